import assert from "node:assert/strict";
import {parseEndpoint, type RemoteEndpoint} from "../../../src/engine/remote/endpoint";
import {consentKey, consentQuestion} from "../../../src/engine/remote/privacy";

const endpoint = (url: string): RemoteEndpoint => {
    const parsed = parseEndpoint(url, "m");
    assert.ok(parsed.ok);
    return parsed.endpoint;
};

describe("sending code to a configured server", () => {
    it("asks nothing for a server on this machine", () => {
        for (const url of ["http://localhost:8080", "http://127.0.0.1:11434/v1", "http://[::1]:8000"]) assert.equal(consentQuestion(endpoint(url), "chat", []), undefined, url);
    });

    it("asks before the first request to another machine, naming it and the role, and warns about plain http", () => {
        assert.equal(
            consentQuestion(endpoint("http://gpu-box:8000/v1"), "chat", []),
            "Enclave will send your code to http://gpu-box:8000 for chat (the question, its attachments and the chat so far). The connection is not encrypted (http://): anyone on the network between here and there can read it. Send it there?"
        );
        assert.doesNotMatch(consentQuestion(endpoint("https://gpu-box:8000"), "chat", []) ?? "", /not encrypted/);
    });

    it("asks once per address: the same server is not asked again, a changed host, port or scheme is", () => {
        const granted = [consentKey(endpoint("http://gpu-box:8000/v1"), "chat")];
        assert.equal(consentQuestion(endpoint("http://gpu-box:8000"), "chat", granted), undefined, "same origin, another spelling of the path");
        for (const url of ["http://gpu-box2:8000", "http://gpu-box:8001", "https://gpu-box:8000"]) assert.ok(consentQuestion(endpoint(url), "chat", granted), url);
    });
});
