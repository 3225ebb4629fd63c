import assert from "node:assert/strict";
import {CompletionSession, type CompletionSessionOptions, type SessionStatus} from "../../../src/completion/completionSession";
import {ContextRing} from "../../../src/completion/contextRing";
import type {CompletionModelCaps, DocumentSnapshot} from "../../../src/completion/types";
import {estimateTokens} from "../../../src/completion/tokenBudget";
import {FakeBackend} from "./fakeBackend";

const fimCaps: CompletionModelCaps = {format: "repoFim", thinks: false, contextSize: 4096};
const r1Caps: CompletionModelCaps = {format: "r1", thinks: true, contextSize: 4096};

/** A document being edited: each edit bumps the version, as in VS Code. */
class Editor {
    version = 1;
    constructor(public text: string, public offset = text.length, readonly uri = "file:///work/app.ts") {}

    static at(source: string): Editor {
        const offset = source.indexOf("|");
        return new Editor(source.slice(0, offset) + source.slice(offset + 1), offset);
    }

    type(text: string): this {
        this.text = this.text.slice(0, this.offset) + text + this.text.slice(this.offset);
        this.offset += text.length;
        this.version++;
        return this;
    }

    backspace(): this {
        this.text = this.text.slice(0, this.offset - 1) + this.text.slice(this.offset);
        this.offset--;
        this.version++;
        return this;
    }

    moveTo(offset: number): this {
        this.offset = offset;
        return this;
    }

    snapshot(): DocumentSnapshot {
        return {uri: this.uri, languageId: "typescript", text: this.text, offset: this.offset, version: this.version};
    }
}

const fast: CompletionSessionOptions = {debounce: {minMs: 1, maxMs: 1}};

function makeSession(backend: FakeBackend, options: CompletionSessionOptions = fast, caps = fimCaps): CompletionSession {
    return new CompletionSession({backend, caps, ring: new ContextRing(), options});
}

const never = new AbortController().signal;

describe("CompletionSession", () => {
    let sessions: CompletionSession[] = [];
    const track = (session: CompletionSession): CompletionSession => {
        sessions.push(session);
        return session;
    };
    afterEach(() => {
        for (const session of sessions) session.dispose();
        sessions = [];
    });

    it("asks the model with token and time caps, and post-processes its answer", async () => {
        const backend = new FakeBackend();
        backend.answer = () => "a + b;\n}\n\nfunction next() {";
        const session = track(makeSession(backend, {...fast, maxTokens: 48, timeCapMs: 700}));
        const editor = Editor.at("function add(a, b) {\n    return |\n}\n");
        const suggestion = await session.suggest(editor.snapshot(), never);
        assert.equal(suggestion?.text, "a + b;");
        assert.equal(suggestion?.fromCache, false);
        assert.equal(suggestion?.typedThrough, false);
        assert.equal(suggestion?.promptTokens, 100);
        assert.equal(suggestion?.reusedTokens, 90);
        assert.ok((suggestion?.latencyMs ?? -1) >= 0);
        assert.equal(backend.calls.length, 1);
        assert.equal(backend.calls[0]?.params.maxTokens, 48);
        assert.equal(backend.calls[0]?.params.timeCapMs, 700);
        assert.equal(session.stats.modelCalls, 1);
    });

    it("asks for one line only when the cursor is mid-line", async () => {
        const backend = new FakeBackend();
        backend.answer = () => "a, b)";
        const session = track(makeSession(backend, {...fast, singleLineMaxTokens: 20}));
        const suggestion = await session.suggest(Editor.at("foo(|);\n").snapshot(), never);
        assert.equal(suggestion?.text, "a, b");
        assert.equal(backend.calls[0]?.params.maxTokens, 20);
        assert.ok(backend.calls[0]?.params.stop?.includes("\n"));
    });

    it("rapid typing aborts the request in flight; only the last keystroke gets a suggestion", async () => {
        const backend = new FakeBackend();
        backend.delayMs = 200;
        backend.answer = (params) => `done${params.prefix.length}`;
        const session = track(makeSession(backend));
        const editor = Editor.at("const value = |\n");
        const results: Array<Promise<unknown>> = [];
        for (const ch of "compute") {
            editor.type(ch);
            session.documentChanged(editor.snapshot());
            results.push(session.suggest(editor.snapshot(), never));
            await backend.waitForCalls(backend.calls.length + 1);
        }
        const settled = await Promise.all(results);
        assert.deepEqual(settled.slice(0, -1), Array(6).fill(undefined));
        assert.ok(settled.at(-1), "the last keystroke gets its suggestion");
        for (const call of backend.calls.slice(0, -1)) assert.ok(call.signal.aborted, "earlier calls were aborted through their signal");
        assert.equal(backend.calls.at(-1)?.signal.aborted, false);
        assert.equal(backend.maxConcurrent, 1, "one model request at a time");
        assert.equal(session.stats.aborted, 6);
    });

    describe("warming the cache while the user types", () => {
        const file = Array.from({length: 200}, (_, i) => `export function f${i}(a: number): number {\n    return a + ${i};\n}\n`).join("");
        const lineEnd = file.indexOf("return a + 150;") + "return a + 150;".length;
        const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
        const slowDebounce: CompletionSessionOptions = {debounce: {minMs: 400, maxMs: 400}, warmAfterMs: 5};

        it("evaluates the current prompt during the debounce, prefill only; the suggestion stops it and sends the same prompt", async () => {
            const backend = new FakeBackend();
            backend.delayMs = 10_000;
            const session = track(makeSession(backend, slowDebounce));
            const editor = new Editor(file, lineEnd);
            session.documentChanged(editor.type(" ").snapshot());
            const suggestion = session.suggest(editor.snapshot(), never);
            await backend.waitForCalls(1);
            const warm = backend.calls[0];
            assert.equal(warm?.purpose, "warm");
            assert.equal(warm?.params.prefillOnly, true);
            assert.equal(session.stats.warms, 1);
            assert.equal(session.stats.modelCalls, 0, "a warm-up is not a suggestion");
            backend.delayMs = 0;
            await backend.waitForCalls(2);
            assert.equal(warm?.signal.aborted, true, "the suggestion stopped the warm-up");
            assert.equal(backend.calls[1]?.purpose, "suggest");
            assert.equal(backend.calls[1]?.params.prefix, warm?.params.prefix, "the same prompt: what the warm-up evaluated is reused");
            assert.equal((await suggestion)?.text, "answer");
            assert.equal(backend.maxConcurrent, 1, "one model request at a time");
        });

        it("typing on the same line does not stop a warm-up; a move to another line does, and the new place is warmed", async () => {
            const backend = new FakeBackend();
            backend.delayMs = 10_000;
            const session = track(makeSession(backend, slowDebounce));
            const editor = new Editor(file, lineEnd);
            session.documentChanged(editor.type(" ").snapshot());
            await backend.waitForCalls(1);
            session.documentChanged(editor.type("/").snapshot());
            session.documentChanged(editor.type("/").snapshot());
            await sleep(30);
            assert.equal(backend.calls[0]?.signal.aborted, false);
            session.documentChanged(editor.moveTo(file.indexOf("return a + 20;")).snapshot());
            assert.equal(backend.calls[0]?.signal.aborted, true);
            backend.delayMs = 0;
            await backend.waitForCalls(2);
            assert.equal(backend.calls[1]?.purpose, "warm");
            assert.ok(backend.calls[1]?.params.prefix.endsWith("export function f20(a: number): number {\n    "), "the prompt of the new place");
            assert.equal(backend.maxConcurrent, 1);
        });

        it("none when off or disallowed, nor while typing through a shown suggestion", async () => {
            for (const options of [{...fast, mayWarm: () => false, warmAfterMs: 5}, fast]) {
                const backend = new FakeBackend();
                const session = track(makeSession(backend, options));
                const editor = new Editor(file, lineEnd);
                session.documentChanged(editor.type(" ").snapshot());
                await sleep(40);
                assert.equal(backend.calls.length, 0);
            }
            const backend = new FakeBackend();
            backend.answer = () => "return a + b;";
            const session = track(makeSession(backend, {...fast, warmAfterMs: 5}));
            const editor = new Editor(file, lineEnd).type("\n    ");
            assert.equal((await session.suggest(editor.snapshot(), never))?.text, "return a + b;");
            const calls = backend.calls.length;
            for (const ch of "retu") {
                session.documentChanged(editor.type(ch).snapshot());
                assert.equal((await session.suggest(editor.snapshot(), never))?.typedThrough, true);
            }
            await sleep(40);
            assert.equal(backend.calls.length, calls, "typing through calls no model, not even to warm it");
        });
    });

    it("a new suggest supersedes the one in flight even without documentChanged", async () => {
        const backend = new FakeBackend();
        backend.delayMs = 200;
        backend.abortStyle = "reject";
        const session = track(makeSession(backend));
        const editor = Editor.at("let x = |\n");
        const first = session.suggest(editor.snapshot(), never);
        await backend.waitForCalls(1);
        const second = session.suggest(editor.type("1").snapshot(), never);
        assert.equal(await first, undefined, "a rejected aborted call is not an error");
        assert.ok(await second);
        assert.equal(session.stats.errors, 0);
    });

    it("typing through a suggestion serves the rest without a model call", async () => {
        const backend = new FakeBackend();
        backend.answer = () => "items.filter((item) => item.done).length;";
        const session = track(makeSession(backend));
        const editor = Editor.at("function count(items) {\n    return |\n}\n");
        assert.ok(await session.suggest(editor.snapshot(), never));
        for (const ch of "items.filter(") {
            editor.type(ch);
            session.documentChanged(editor.snapshot());
            const suggestion = await session.suggest(editor.snapshot(), never);
            assert.equal(suggestion?.typedThrough, true);
            assert.ok("items.filter((item) => item.done).length;".endsWith(suggestion?.text ?? "!"));
        }
        assert.equal(backend.calls.length, 1, "no model call while typing through");
        assert.equal(session.stats.typedThroughHits, 13);
    });

    it("typing through the first line of a multi-line suggestion serves the next lines", async () => {
        const backend = new FakeBackend();
        backend.answer = () => "const total = a + b;\n    return total;";
        const session = track(makeSession(backend));
        const editor = Editor.at("function add(a, b) {\n    |\n}\n");
        assert.ok(await session.suggest(editor.snapshot(), never));
        editor.type("const total = a + b;\n    ");
        const suggestion = await session.suggest(editor.snapshot(), never);
        assert.equal(suggestion?.text, "return total;");
        assert.equal(backend.calls.length, 1);
    });

    it("a mismatch or a delete asks the model again; returning to a cached position does not", async () => {
        const backend = new FakeBackend();
        backend.answer = (_params, call) => call === 0 ? "items.length;" : "other;";
        const session = track(makeSession(backend));
        const editor = Editor.at("return |\n");
        await session.suggest(editor.snapshot(), never);
        editor.type("x");
        assert.equal((await session.suggest(editor.snapshot(), never))?.text, "other;");
        assert.equal(backend.calls.length, 2);
        editor.backspace();
        const back = await session.suggest(editor.snapshot(), never);
        assert.equal(back?.text, "items.length;");
        assert.equal(back?.fromCache, true);
        assert.equal(backend.calls.length, 2);
        assert.equal(session.stats.cacheHits, 1);
    });

    it("drops a result that finished for a snapshot that is no longer current", async () => {
        const backend = new FakeBackend();
        backend.delayMs = 50;
        backend.honorAbort = false; // the answer races the abort and arrives anyway
        const session = track(makeSession(backend));
        const editor = Editor.at("let a = |\n");
        const pending = session.suggest(editor.snapshot(), never);
        await backend.waitForCalls(1);
        session.documentChanged(editor.type("b").snapshot());
        assert.equal(await pending, undefined);
        assert.equal(backend.calls[0]?.signal.aborted, true, "documentChanged aborted the stale request");
        assert.equal(session.stats.staleDropped, 1);
    });

    it("a cursor move makes a request stale too", async () => {
        const backend = new FakeBackend();
        backend.delayMs = 50;
        const session = track(makeSession(backend));
        const editor = Editor.at("let a = 1;\nlet b = |\n");
        const pending = session.suggest(editor.snapshot(), never);
        await backend.waitForCalls(1);
        session.documentChanged(editor.moveTo(3).snapshot());
        assert.equal(await pending, undefined);
        assert.ok(backend.calls[0]?.signal.aborted);
    });

    it("a snapshot older than one already seen gets nothing", async () => {
        const backend = new FakeBackend();
        const session = track(makeSession(backend));
        const editor = Editor.at("x|");
        const old = editor.snapshot();
        session.documentChanged(editor.type("y").snapshot());
        assert.equal(await session.suggest(old, never), undefined);
        assert.equal(backend.calls.length, 0);
        assert.equal(session.stats.staleDropped, 1);
    });

    it("the caller's signal reaches the backend", async () => {
        const backend = new FakeBackend();
        backend.delayMs = 500;
        const session = track(makeSession(backend));
        const controller = new AbortController();
        const pending = session.suggest(Editor.at("a|").snapshot(), controller.signal);
        await backend.waitForCalls(1);
        controller.abort();
        assert.equal(await pending, undefined);
        assert.ok(backend.calls[0]?.signal.aborted);
        assert.equal(await session.suggest(Editor.at("b|").snapshot(), AbortSignal.abort()), undefined);
        assert.equal(backend.calls.length, 1);
    });

    it("keeps one request at a time even when the backend is slow to honour an abort (bounded wait)", async () => {
        const backend = new FakeBackend();
        backend.delayMs = 100;
        backend.honorAbort = false;
        const session = track(makeSession(backend, {...fast, settleWaitMs: 1_000}));
        const editor = Editor.at("a = |\n");
        const first = session.suggest(editor.snapshot(), never);
        await backend.waitForCalls(1);
        const second = session.suggest(editor.type("1").snapshot(), never);
        await Promise.all([first, second]);
        assert.equal(backend.maxConcurrent, 1);
        assert.equal(backend.calls.length, 2);
    });

    it("backend errors reject the promise (never a synchronous throw) and set the status's error", async () => {
        const backend = new FakeBackend();
        backend.answer = () => new Error("model crashed");
        const session = track(makeSession(backend));
        const statuses: SessionStatus[] = [];
        session.onDidChangeStatus((status) => statuses.push(status));
        let pending: Promise<unknown> | undefined;
        assert.doesNotThrow(() => {
            pending = session.suggest(Editor.at("a|").snapshot(), never);
        });
        await assert.rejects(pending ?? Promise.resolve(), /model crashed/);
        assert.equal(session.stats.errors, 1);
        assert.deepEqual(statuses.map((status) => status.busy), [true, false]);
        assert.equal(statuses.at(-1)?.error, "model crashed");

        backend.answer = () => "fine";
        await session.suggest(Editor.at("b|").snapshot(), never);
        assert.equal(statuses.at(-1)?.error, undefined, "a success clears the error");
        assert.ok((statuses.at(-1)?.lastLatencyMs ?? -1) >= 0);
    });

    it("R1 mode: thought text never reaches the suggestion", async () => {
        const backend = new FakeBackend();
        backend.answer = () => "<think>the user wants a sum</think>\na + b;\n```\nThis adds.";
        const session = track(makeSession(backend, fast, r1Caps));
        const suggestion = await session.suggest(Editor.at("function add(a, b) {\n    return |\n}\n").snapshot(), never);
        assert.equal(suggestion?.text, "a + b;");
        assert.equal(backend.calls[0]?.params.specialTokens, true);
        assert.ok(backend.calls[0]?.params.prefix.includes("<｜Assistant｜><think>\n\n</think>\n\n"));
    });

    it("a multi-line answer cut by the token cap loses its partial last line", async () => {
        const backend = new FakeBackend();
        backend.answer = () => ({text: "const a = 1;\n    const b = compu", stopReason: "maxTokens"});
        const session = track(makeSession(backend));
        const suggestion = await session.suggest(Editor.at("function f() {\n    |\n}\n").snapshot(), never);
        assert.equal(suggestion?.text, "const a = 1;");
    });

    it("an empty answer is remembered: no second model call for the same position", async () => {
        const backend = new FakeBackend();
        backend.answer = () => "   ";
        const session = track(makeSession(backend));
        const editor = Editor.at("x = |\n");
        assert.equal(await session.suggest(editor.snapshot(), never), undefined);
        assert.equal(await session.suggest(editor.snapshot(), never), undefined);
        assert.equal(backend.calls.length, 1);
        assert.equal(session.stats.empty, 1);
        await session.suggest(editor.snapshot(), never, {explicit: true});
        assert.equal(backend.calls.length, 2, "asked explicitly, the model gets another try");
    });

    describe("bad input", () => {
        it("binary-looking text: no suggestion, no model call", async () => {
            const backend = new FakeBackend();
            const session = track(makeSession(backend));
            const binary = new Editor("\u0000\u0001\u0002ELF\u0000\u0000".repeat(1_000), 3_000);
            assert.equal(await session.suggest(binary.snapshot(), never), undefined);
            assert.equal(backend.calls.length, 0);
        });

        it("a huge file: a bounded prompt, quickly", async () => {
            const backend = new FakeBackend();
            backend.answer = () => "1;";
            const session = track(makeSession(backend));
            const line = "    const value = compute(input, scale) + offset; // a typical line of code\n";
            const editor = new Editor(line.repeat(300_000), line.length * 150_000 + 4); // ~24 MB
            const started = performance.now();
            assert.ok(await session.suggest(editor.snapshot(), never));
            assert.ok(performance.now() - started < 1_000, `${Math.round(performance.now() - started)} ms`);
            const prompt = backend.calls[0]?.params;
            assert.ok(prompt && prompt.prefix.length + (prompt.suffix?.length ?? 0) < 40_000);
        });

        it("a minified one-line file: a bounded prompt", async () => {
            const backend = new FakeBackend();
            backend.answer = () => "b*2}";
            const session = track(makeSession(backend));
            const editor = new Editor("var a=function(b){return b*2};".repeat(200_000), 3_000_000);
            await session.suggest(editor.snapshot(), never);
            const prompt = backend.calls[0]?.params;
            assert.ok(prompt && prompt.prefix.length + (prompt.suffix?.length ?? 0) < 40_000);
        });

        it("an impossible cursor or an oversized document: no suggestion, no throw", async () => {
            const backend = new FakeBackend();
            const session = track(makeSession(backend, {...fast, maxDocumentChars: 1_000}));
            assert.equal(await session.suggest({...Editor.at("abc|").snapshot(), offset: 99}, never), undefined);
            assert.equal(await session.suggest({...Editor.at("abc|").snapshot(), offset: 1.5}, never), undefined);
            assert.equal(await session.suggest(new Editor("x".repeat(2_000)).snapshot(), never), undefined);
            assert.equal(backend.calls.length, 0);
        });

        it("a context too small for a prompt: no suggestion", async () => {
            const backend = new FakeBackend();
            const session = track(new CompletionSession({backend, caps: {...fimCaps, contextSize: 48}, ring: new ContextRing(), options: fast}));
            assert.equal(await session.suggest(Editor.at("abc|").snapshot(), never), undefined);
            assert.equal(backend.calls.length, 0);
        });
    });

    it("learns a coarser vocabulary from the engine's prompt tokens and shrinks prompts to fit", async () => {
        const backend = new FakeBackend();
        // A vocabulary costing twice the estimate: the engine reports it in promptTokens.
        backend.answer = (params) => ({text: "1;", promptTokens: 2 * estimateTokens(params.prefix + (params.suffix ?? "") + (params.middle ?? ""))});
        const caps = {...fimCaps, contextSize: 2048};
        const session = track(new CompletionSession({backend, caps, ring: new ContextRing(), options: fast}));
        const editor = new Editor("    const value = compute(input, scale) + offset;\n".repeat(2_000), 40_000);
        await session.suggest(editor.snapshot(), never);
        assert.ok(session.stats.tokenScale >= 2 && session.stats.tokenScale < 2.5, `${session.stats.tokenScale}`);
        await session.suggest(editor.type("x").snapshot(), never);
        const second = backend.calls[1]?.params;
        assert.ok(second);
        const realTokens = 2 * estimateTokens(second.prefix + (second.suffix ?? "") + (second.middle ?? ""));
        assert.ok(realTokens + (second.maxTokens ?? 0) <= caps.contextSize * 0.9, `${realTokens} real tokens`);
        session.setCaps(caps);
        assert.equal(session.stats.tokenScale, 1, "a new model starts afresh");
    });

    it("learns the scale from an aborted call too, counting the tokens the engine cut to fit", async () => {
        const backend = new FakeBackend();
        const caps = {...fimCaps, contextSize: 2048};
        // Stopped while evaluating: the engine still reports the whole prompt, of which it cut some to fit.
        backend.answer = (params) => {
            const real = 2 * estimateTokens(params.prefix + (params.suffix ?? "") + (params.middle ?? ""));
            const fits = Math.floor(caps.contextSize * 0.9);
            return {text: "", stopReason: "abort", promptTokens: Math.min(real, fits), cutTokens: Math.max(0, real - fits)};
        };
        const session = track(new CompletionSession({backend, caps, ring: new ContextRing(), options: fast}));
        const editor = new Editor("    const value = compute(input, scale) + offset;\n".repeat(2_000), 40_000);
        assert.equal(await session.suggest(editor.snapshot(), never), undefined);
        assert.ok(session.stats.tokenScale >= 2 && session.stats.tokenScale < 2.5, `${session.stats.tokenScale}`);
    });

    it("sizes prompts from the measured reading speed, so a cold prompt stays within reach", async () => {
        const backend = new FakeBackend();
        // The engine reads 50 tokens a second: a cold prompt may hold about 20 s worth (1000 tokens).
        backend.answer = (params) => {
            const tokens = estimateTokens(params.prefix + (params.suffix ?? "") + (params.middle ?? ""));
            return {text: "1;", promptTokens: tokens, reusedTokens: 0, prefillTokens: tokens, prefillMs: tokens * 20};
        };
        const session = track(new CompletionSession({backend, caps: {...fimCaps, contextSize: 16_384}, ring: new ContextRing(), options: fast}));
        const editor = new Editor("    const value = compute(input, scale) + offset;\n".repeat(2_000), 40_000);
        await session.suggest(editor.snapshot(), never);
        const first = backend.calls[0]?.params;
        assert.ok(first && estimateTokens(first.prefix + (first.suffix ?? "") + (first.middle ?? "")) > 1200, "the default budgets before anything is measured");
        assert.equal(session.stats.prefillTokensPerSecond, 50);
        assert.equal(session.stats.promptTokenCap, 1000);
        await session.suggest(editor.type("x").snapshot(), never);
        const second = backend.calls[1]?.params;
        assert.ok(second);
        assert.ok(estimateTokens(second.prefix + (second.suffix ?? "") + (second.middle ?? "")) <= 1000);
    });

    it("uses the ring's chunks, in its order", async () => {
        const backend = new FakeBackend();
        const ring = new ContextRing();
        ring.add({uri: "file:///work/lib/a.ts", text: "export const a = 1;\nexport const b = 2;\nexport const c = 3;\n"});
        ring.add({uri: "file:///work/lib/b.ts", text: "export const x = 1;\nexport const y = 2;\nexport const z = 3;\n"});
        const session = track(new CompletionSession({backend, caps: fimCaps, ring, options: fast}));
        await session.suggest(Editor.at("let q = |").snapshot(), never);
        assert.deepEqual(backend.calls[0]?.params.repository?.files.map((file) => file.path), ["a.ts", "b.ts"], "no workspace root: the files' names");
    });

    it("debounces: a keystroke during the wait means the earlier one never reaches the model", async () => {
        const backend = new FakeBackend();
        const session = track(makeSession(backend, {debounce: {minMs: 40, maxMs: 40}}));
        const editor = Editor.at("let a = |");
        const first = session.suggest(editor.snapshot(), never);
        const second = session.suggest(editor.type("b").snapshot(), never);
        assert.equal(await first, undefined);
        assert.ok(await second);
        assert.equal(backend.calls.length, 1);
        const explicit = await session.suggest(editor.type("c").snapshot(), never, {explicit: true});
        assert.ok(explicit, "on demand: no debounce");
    });

    it("setCaps forgets cached suggestions; dispose aborts the request in flight and refuses new ones", async () => {
        const backend = new FakeBackend();
        const session = makeSession(backend);
        const editor = Editor.at("let a = |");
        await session.suggest(editor.snapshot(), never);
        session.setCaps(r1Caps);
        await session.suggest(editor.snapshot(), never);
        assert.equal(backend.calls.length, 2);

        backend.delayMs = 1_000;
        const pending = session.suggest(editor.type("x").snapshot(), never);
        await backend.waitForCalls(3);
        session.dispose();
        assert.equal(await pending, undefined);
        assert.ok(backend.calls[2]?.signal.aborted);
        await assert.rejects(session.suggest(editor.snapshot(), never), /disposed/);
    });
});
