import assert from "node:assert/strict";
import {EngineError, isEngineError} from "../../../src/engine/errors";
import type {ChatEvent, ChatParams, ChatResult, StructuredParams, StructuredResult} from "../../../src/engine/protocol";
import {findingsMaxTokens} from "../../../src/review/findings";
import {anchor, contentBudget, review, type FileReview, type ReviewEngine, type ReviewProgress} from "../../../src/review/reviewer";
import {textUnits, type ReviewUnit} from "../../../src/review/units";

/** A structured value to return, or an error to throw. */
type StructuredAnswer = unknown;

/** Thinks "Looking.", answers "Line N is wrong." and returns whatever `structuredAnswers` holds next. */
class FakeEngine implements ReviewEngine {
    readonly chats: ChatParams[] = [];
    readonly structuredCalls: StructuredParams[] = [];
    structuredAnswers: StructuredAnswer[] = [];
    answer = "Line 2 is wrong.";
    /** Resolves a chat only when released (to cancel in the middle). */
    hold: Promise<void> | undefined;

    async chat(params: ChatParams, options: {signal?: AbortSignal | undefined; onEvent?: ((event: ChatEvent) => void) | undefined} = {}): Promise<ChatResult> {
        this.chats.push(params);
        options.onEvent?.({kind: "thought", text: "Looking.", tokens: 2});
        if (this.hold) await Promise.race([this.hold, new Promise((resolve) => options.signal?.addEventListener("abort", resolve))]);
        const aborted = options.signal?.aborted ?? false;
        if (!aborted) options.onEvent?.({kind: "answer", text: this.answer, tokens: 5});
        return {thought: "Looking.", answer: aborted ? "" : this.answer, stopReason: aborted ? "abort" : "eos", thoughtCutByBudget: false, thoughtTokens: 2, answerTokens: 5, firstTokenMs: 1, totalMs: 2};
    }

    async structured(params: StructuredParams): Promise<StructuredResult> {
        this.structuredCalls.push(params);
        const next = this.structuredAnswers.shift() ?? {findings: []};
        if (next instanceof Error) throw next;
        return {value: next, text: JSON.stringify(next), tokens: 12, totalMs: 3};
    }
}

const file = "function add(a, b) {\n    return a - b;\n}\n";
const raw = (overrides: Record<string, unknown> = {}) => ({severity: "error", startLine: 2, endLine: 2, title: "add subtracts", explanation: "It returns a - b.", replacement: "    return a + b;", ...overrides});

describe("reviewer: two passes per unit", () => {
    it("reasons on the review sequence with a DeepSeek-style user turn, then structures its own answer", async () => {
        const engine = new FakeEngine();
        engine.structuredAnswers = [{findings: [raw()]}];
        const thoughts: string[] = [];
        const result = await review(textUnits("src/math.js", file, 1000), engine, {onThought: (text) => thoughts.push(text), settings: {thoughtBudget: 64, seed: 7}});

        const chat = engine.chats[0]!;
        assert.equal(chat.sequence, "review");
        assert.equal(chat.thoughtBudget, 64);
        assert.equal(chat.messages.length, 1, "no system prompt: the instructions are in the user turn");
        assert.equal(chat.messages[0]!.role, "user");
        assert.match(chat.messages[0]!.content, /^\[file name\]: src\/math\.js\n\[file content begin\]\n1 \| function add\(a, b\) \{\n2 \|     return a - b;\n3 \| \}\n\[file content end\]\n/);
        assert.deepEqual(thoughts, ["Looking."]);

        const structured = engine.structuredCalls[0]!;
        assert.deepEqual(structured.messages.map((message) => message.role), ["user", "assistant", "user"]);
        assert.equal(structured.messages[0]!.content, chat.messages[0]!.content, "the same first turn, so the KV cache holds it");
        assert.equal(structured.messages[1]!.content, "Line 2 is wrong.");
        assert.equal(structured.maxTokens, findingsMaxTokens());
        assert.equal(structured.temperature, 0);

        assert.deepEqual(result.findings, [{file: "src/math.js", startLine: 2, endLine: 2, severity: "error", title: "add subtracts", explanation: "It returns a - b.", replacement: "    return a + b;", cited: ["    return a - b;"]}]);
        assert.deepEqual(result.stats, {units: 1, thoughtTokens: 2, answerTokens: 5, structuredTokens: 12, totalMs: result.stats.totalMs});
    });

    it("reports each file once all of its units are done, and progress as done/total", async () => {
        const engine = new FakeEngine();
        const big = Array.from({length: 40}, (_, i) => `const v${i} = ${i};`).join("\n");
        const units: ReviewUnit[] = [...textUnits("a.ts", big, 60), ...textUnits("b.ts", file, 1000)];
        assert.ok(units.filter((unit) => unit.file === "a.ts").length > 1);
        const events: string[] = [];
        const progress: ReviewProgress[] = [];
        await review(units, engine, {
            onProgress: (update) => progress.push(update),
            onFileDone: (done: FileReview) => events.push(`${done.file} after ${progress.filter((update) => update.phase === "done").length}`)
        });
        const aUnits = units.filter((unit) => unit.file === "a.ts").length;
        assert.deepEqual(events, [`a.ts after ${aUnits - 1}`, `b.ts after ${aUnits}`]);
        const done = progress.filter((update) => update.phase === "done");
        assert.deepEqual(done.map((update) => update.done), units.map((_, index) => index + 1));
        assert.ok(done.every((update) => update.total === units.length));
    });

    it("turns a structured pass that fails to parse into a note, and goes on", async () => {
        const engine = new FakeEngine();
        engine.structuredAnswers = [new EngineError("Internal", "The model failed while handling the request.", "SyntaxError: Unexpected end of JSON input"), {findings: [raw()]}];
        const result = await review([...textUnits("a.js", file, 1000), ...textUnits("b.js", file, 1000)], engine);
        assert.deepEqual(result.findings.map((finding) => finding.file), ["b.js"]);
        assert.equal(result.notes.length, 1);
        assert.match(result.notes[0]!.message, /could not be turned into findings: SyntaxError/);
    });

    it("notes a unit whose reasoning produced no answer, without a structured pass", async () => {
        const engine = new FakeEngine();
        engine.answer = "";
        const result = await review(textUnits("a.js", file, 1000), engine);
        assert.equal(engine.structuredCalls.length, 0);
        assert.match(result.notes[0]!.message, /no answer/);
    });

    it("lets other engine failures end the review", async () => {
        const engine = new FakeEngine();
        engine.structuredAnswers = [new EngineError("EngineCrashed", "The model process was killed.")];
        await assert.rejects(review(textUnits("a.js", file, 1000), engine), (error) => isEngineError(error, "EngineCrashed"));
    });

    it("stops at once when cancelled: no structured pass, no further unit, an Aborted error", async () => {
        const engine = new FakeEngine();
        let release = () => {};
        engine.hold = new Promise<void>((resolve) => (release = resolve));
        const controller = new AbortController();
        const running = review([...textUnits("a.js", file, 1000), ...textUnits("b.js", file, 1000)], engine, {signal: controller.signal});
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.abort();
        await assert.rejects(running, (error) => isEngineError(error, "Aborted"));
        release();
        assert.equal(engine.chats.length, 1);
        assert.equal(engine.structuredCalls.length, 0);
    });

    it("does not start when the signal is already aborted", async () => {
        const engine = new FakeEngine();
        await assert.rejects(review(textUnits("a.js", file, 1000), engine, {signal: AbortSignal.abort()}), (error) => isEngineError(error, "Aborted"));
        assert.equal(engine.chats.length, 0);
    });

    it("drops repeated findings within a file", async () => {
        const engine = new FakeEngine();
        engine.structuredAnswers = [{findings: [raw(), raw()]}];
        assert.equal((await review(textUnits("a.js", file, 1000), engine)).findings.length, 1);
    });
});

describe("reviewer: findings tied to the lines a unit showed", () => {
    const unit: ReviewUnit = {
        file: "d.ts",
        kind: "diff",
        content: "",
        excerpts: [{startLine: 10, lines: ["a", "b", "c"]}, {startLine: 40, lines: ["x", "y"]}],
        part: {index: 1, count: 1},
        estimatedTokens: 0
    };
    const finding = (start: number, end: number) => anchor({severity: "info", startLine: start, endLine: end, title: "  t \n t ", explanation: " e ", replacement: null}, unit)[0];

    it("keeps a range inside an excerpt and cites its lines", () => {
        assert.deepEqual(finding(11, 12), {file: "d.ts", startLine: 11, endLine: 12, severity: "info", title: "t t", explanation: "e", cited: ["b", "c"]});
    });

    it("clamps a range into the nearest excerpt, and swaps a reversed one", () => {
        assert.deepEqual([finding(12, 30)?.startLine, finding(12, 30)?.endLine], [12, 12]);
        assert.deepEqual([finding(38, 39)?.startLine, finding(38, 39)?.endLine], [40, 40]);
        assert.deepEqual([finding(100, 41)?.startLine, finding(100, 41)?.endLine], [41, 41]);
        assert.deepEqual([finding(0, 0)?.startLine, finding(-5e15, 3)?.startLine], [10, 10]);
    });

    it("gives up on numbers that are not finite", () => {
        assert.deepEqual(anchor({severity: "info", startLine: Infinity, endLine: 1, title: "t", explanation: "", replacement: null}, unit), []);
    });
});

describe("reviewer: budgets", () => {
    it("leaves room for both passes, within bounds", () => {
        assert.equal(contentBudget(16384), 6000, "capped: small models lose track of very long units");
        // The default answer room (2,048) is below a realistic JSON's 2,500 tokens: the JSON decides.
        assert.equal(contentBudget(8192), 8192 - 400 - 2500);
        assert.equal(contentBudget(8192, {maxTokens: 4096}), 8192 - 400 - 4096);
        assert.equal(contentBudget(8192, {maxTokens: 1000}), 8192 - 400 - 2500);
        assert.equal(contentBudget(2048), 256, "never below a useful minimum");
    });
});
