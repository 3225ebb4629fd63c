// Two windows with different models on the one shared model process: the second model loads beside
// the first while both fit; when it would not fit beside the first, the load is refused with the
// other window's model named (the extension offers to unload it), and unloading that model
// everywhere makes room. The machine's memory is stated (ENCLAVE_TEST_MEMORY in the process's
// environment) from the models' own plans, so the numbers hold on any machine.
import assert from "node:assert/strict";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {EngineClient} from "../../src/engine/client";
import {EngineError} from "../../src/engine/errors";
import {defaultFitPolicy} from "../../src/models/fit";
import {GiB} from "../../src/models/units";
import {coderScriptedModel, scriptedModel} from "../models/scripted";
import {stopModelProcesses} from "../support/modelProcesses";
import {rejection, startClient} from "./harness";

const contextSize = 4096;
const ramBytes = 16 * GiB;
const ask = {messages: [{role: "user" as const, content: "Say hello."}]};

/** What a load of `modelPath` with the test's context needs, planned on a machine with room to spare. */
async function neededBytes(modelPath: string): Promise<number> {
    const {client} = startClient({env: {ENCLAVE_TEST_MEMORY: JSON.stringify({ramBytes, freeRamBytes: ramBytes})}});
    try {
        const planned = await client.planModel({modelPath, contextSize});
        assert.ok(planned.ok, JSON.stringify(planned));
        return planned.plan.neededBytes;
    } finally {
        await client.shutdown();
    }
}

describe("shared model process: models of different windows side by side", function () {
    this.timeout(120_000);
    let runtimeDir = "";
    const clients: EngineClient[] = [];
    let chatModel = "";
    let coderModel = "";

    /** A window on the shared process of this test, on a machine with `freeRamBytes` free. */
    const windowOn = (freeRamBytes: number): EngineClient => {
        const {client} = startClient({processScope: "shared", runtimeDir, env: {ENCLAVE_TEST_MEMORY: JSON.stringify({ramBytes, freeRamBytes})}});
        clients.push(client);
        return client;
    };

    before(async () => {
        chatModel = await scriptedModel();
        coderModel = await coderScriptedModel();
    });
    beforeEach(async () => {
        runtimeDir = await mkdtemp(join(tmpdir(), "enclave-side-by-side-"));
    });
    afterEach(async () => {
        for (const client of clients.splice(0)) await client.shutdown();
        await stopModelProcesses(runtimeDir);
        await rm(runtimeDir, {recursive: true, force: true});
    });

    it("loads a second window's model beside the first while both fit", async () => {
        const free = defaultFitPolicy.freeRamReserve(ramBytes) + (await neededBytes(chatModel)) + (await neededBytes(coderModel)) + 64 * 1024 ** 2;
        const [a, b] = [windowOn(free), windowOn(free)] as const;
        a.configure({modelPath: chatModel, contextSize});
        b.configure({modelPath: coderModel, contextSize});
        assert.equal((await a.chat(ask)).answer, "Hello!");
        await b.ensureModel();
        assert.equal(a.workerPid, b.workerPid, "one model process");
        const status = await a.processStatus();
        assert.deepEqual(status?.models.map((model) => [model.modelPath, model.users]).sort(), [[chatModel, 1], [coderModel, 1]].sort());
        assert.equal((await a.chat(ask)).answer, "Hello!", "the first window's model still answers");
    });

    it("refuses a model that would not fit beside the other window's, names that model, and loads once it is unloaded", async () => {
        const chatNeeds = await neededBytes(chatModel);
        const coderNeeds = await neededBytes(coderModel);
        // Room for either model alone, not for both.
        const free = defaultFitPolicy.freeRamReserve(ramBytes) + Math.max(chatNeeds, coderNeeds) + Math.min(chatNeeds, coderNeeds) / 2;
        const [a, b] = [windowOn(free), windowOn(free)] as const;
        a.configure({modelPath: chatModel, contextSize});
        b.configure({modelPath: coderModel, contextSize});
        assert.equal((await a.chat(ask)).answer, "Hello!");

        const refused = await rejection(b.ensureModel(), EngineError);
        assert.equal(refused.code, "InsufficientMemory", refused.message);
        assert.match(refused.message, /Other windows have scripted-.*\.gguf loaded; unloading it would make room\./);
        assert.deepEqual(refused.otherModels?.map((model) => [model.modelPath, model.users]), [[chatModel, 1]]);
        assert.equal(b.state.kind, "error");

        assert.equal(await b.unloadModelEverywhere(chatModel), true);
        await b.ensureModel();
        assert.deepEqual((await b.processStatus())?.models.map((model) => model.modelPath), [coderModel], "only the second window's model is loaded");
        // The first window's next request finds its model gone and the memory taken: it is told why.
        const refusedBack = await rejection(a.chat(ask), EngineError);
        assert.equal(refusedBack.code, "InsufficientMemory");
        assert.deepEqual(refusedBack.otherModels?.map((model) => model.modelPath), [coderModel]);
    });

    it("a model no window uses any more gives its memory up to a load without asking", async () => {
        const chatNeeds = await neededBytes(chatModel);
        const coderNeeds = await neededBytes(coderModel);
        const free = defaultFitPolicy.freeRamReserve(ramBytes) + Math.max(chatNeeds, coderNeeds) + Math.min(chatNeeds, coderNeeds) / 2;
        const [a, b] = [windowOn(free), windowOn(free)] as const;
        a.configure({modelPath: chatModel, contextSize});
        assert.equal((await a.chat(ask)).answer, "Hello!");
        const pid = a.workerPid;
        // The first window closes; its model stays loaded (a reloaded window would find it) until a load needs the room.
        await a.shutdown();
        b.configure({modelPath: coderModel, contextSize});
        await b.ensureModel();
        assert.equal(b.workerPid, pid, "the same process");
        assert.deepEqual((await b.processStatus())?.models.map((model) => model.modelPath), [coderModel]);
    });
});
