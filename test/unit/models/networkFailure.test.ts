import assert from "node:assert/strict";
import { connectionFailure } from "../../../src/models/networkFailure";

/** How undici's fetch fails: a TypeError whose cause is Node's socket or DNS error. */
function fetchFailed(code: string, message = `connect ${code} 127.0.0.1:4567`): TypeError {
    return new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });
}

const loopback = "http://127.0.0.1:4567/";
const offlineSentence = /this computer seems to be offline/;

describe("connection failures in words that are true", () => {
    for (const [code, why] of [["ENOTFOUND", "host name not found"], ["EAI_AGAIN", "host name not found"], ["ENETUNREACH", "network unreachable"], ["EHOSTUNREACH", "network unreachable"]] as const) {
        it(`${code} is offline (${why})`, () => {
            const error = connectionFailure("https://huggingface.co/", fetchFailed(code, `getaddrinfo ${code} huggingface.co`));
            assert.equal(error.code, "Offline");
            assert.equal(error.message, `Enclave cannot reach huggingface.co (${why}): this computer seems to be offline, or the server is blocked. To use a model without the network, import a GGUF file.`);
            assert.match(error.detail ?? "", new RegExp(code), "the technical cause goes to the log");
        });
    }

    it("no answer within the time is offline, with the time", () => {
        const error = connectionFailure("https://huggingface.co/", new DOMException("The operation was aborted due to timeout", "TimeoutError"), 3000);
        assert.equal(error.code, "Offline");
        assert.match(error.message, /^Enclave cannot reach huggingface\.co \(no answer within 3 s\): this computer seems to be offline/);
    });

    it("a refused loopback connection names the server and is not offline", () => {
        const error = connectionFailure(loopback, fetchFailed("ECONNREFUSED"));
        assert.equal(error.code, "Unreachable");
        assert.equal(
            error.message,
            "The server at http://127.0.0.1:4567 refused the connection: no server is running at that port on this computer. Check the setting enclave.models.huggingFaceEndpoint. To use a model without the network, import a GGUF file."
        );
        assert.doesNotMatch(error.message, offlineSentence);
    });

    it("a refused connection is found in an AggregateError (a host name with several addresses), whose message is empty", () => {
        const refused = (address: string) => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: "ECONNREFUSED" });
        const aggregate = Object.assign(new AggregateError([refused("::1:4567"), refused("127.0.0.1:4567")], ""), { code: "ECONNREFUSED" });
        const error = connectionFailure("http://localhost:4567/", new TypeError("fetch failed", { cause: aggregate }));
        assert.equal(error.code, "Unreachable");
        assert.match(error.message, /^The server at http:\/\/localhost:4567 refused the connection: no server is running at that port on this computer\./);
    });

    it("a refused connection to Hugging Face itself says so, without pointing at a setting the user never set", () => {
        const error = connectionFailure("https://huggingface.co/", fetchFailed("ECONNREFUSED", "connect ECONNREFUSED 18.0.0.1:443"));
        assert.equal(error.code, "Unreachable");
        assert.equal(error.message, "The server at https://huggingface.co refused the connection: nothing accepts connections at that port. To use a model without the network, import a GGUF file.");
    });

    it("a connection closed before an answer is not offline either", () => {
        const error = connectionFailure(loopback, fetchFailed("ECONNRESET", "read ECONNRESET"));
        assert.equal(error.code, "Unreachable");
        assert.match(error.message, /^The server at http:\/\/127\.0\.0\.1:4567 closed the connection before it answered\./);
        assert.doesNotMatch(error.message, offlineSentence);
    });

    it("any other failure names the server and its cause, not offline", () => {
        const error = connectionFailure("https://mirror.example/", new TypeError("fetch failed", { cause: new Error("unable to verify the first certificate") }));
        assert.equal(error.code, "Unreachable");
        assert.match(error.message, /^The connection to the server at https:\/\/mirror\.example failed \(TypeError: fetch failed \(cause: Error: unable to verify the first certificate\)\)\./);
        assert.doesNotMatch(error.message, offlineSentence);
    });
});
