import assert from "node:assert/strict";
import {isOnThisMachine, isUnencryptedRemote, parseEndpoint, type RemoteEndpoint} from "../../../src/engine/remote/endpoint";
import {requestFailure} from "../../../src/engine/remote/remoteErrors";

const endpoint = (url: string): RemoteEndpoint => {
    const parsed = parseEndpoint(url, "m");
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.message);
    return parsed.endpoint;
};

describe("remote endpoints", () => {
    it("take a server's address with or without /v1, and say what is wrong with one that is not usable", () => {
        assert.equal(endpoint("http://gpu-box:8000").baseUrl, "http://gpu-box:8000/v1");
        assert.equal(endpoint("http://gpu-box:8000/v1/").baseUrl, "http://gpu-box:8000/v1");
        assert.equal(endpoint("https://llm.example.com/team/v1").baseUrl, "https://llm.example.com/team/v1");
        assert.equal(endpoint(" http://localhost:11434 ").origin, "http://localhost:11434");
        const problem = (url: string, model = "m") => {
            const parsed = parseEndpoint(url, model);
            assert.ok(!parsed.ok, url);
            return parsed.message;
        };
        assert.match(problem("gpu-box:8000"), /is not supported: the server's address starts with http:\/\/ or https:\/\//);
        assert.match(problem("not a url"), /is not a URL/);
        assert.match(problem("http://user:secret@gpu-box:8000"), /holds a user name or password: remove it, and give an API key with Enclave: Set API Key/);
        assert.match(problem("http://gpu-box:8000", "  "), /No model name/);
    });

    it("know which servers are on this machine, and which get code unencrypted over the network", () => {
        assert.deepEqual(["http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080", "http://gpu-box:8000", "https://gpu-box:8000"].map((url) => [isOnThisMachine(endpoint(url)), isUnencryptedRemote(endpoint(url))]), [
            [true, false],
            [true, false],
            [true, false],
            [false, true],
            [false, false]
        ]);
    });

    it("say what a failed connection means: host not found, unreachable, untrusted certificate", () => {
        const at = endpoint("https://gpu-box:8000");
        const failure = (code: string) => requestFailure(at, new TypeError("fetch failed", {cause: Object.assign(new Error(code), {code})}));
        assert.deepEqual([failure("ENOTFOUND").code, failure("EHOSTUNREACH").code, failure("DEPTH_ZERO_SELF_SIGNED_CERT").code, failure("ECONNRESET").code, failure("EWHATEVER").code], ["notFound", "notFound", "tls", "cutOff", "failed"]);
        assert.match(failure("ENOTFOUND").message, /^The host of https:\/\/gpu-box:8000 could not be found/);
        assert.match(failure("DEPTH_ZERO_SELF_SIGNED_CERT").message, /secure connection to https:\/\/gpu-box:8000 failed \(DEPTH_ZERO_SELF_SIGNED_CERT\): its certificate is not trusted/);
    });
});
