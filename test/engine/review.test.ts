// The review through the real worker and node-llama-cpp: the grammar-constrained pass on random
// models (noise in, JSON that matches the findings schema out, every time), and a whole review on
// the scripted model (exact findings, streamed thoughts, cancel). Tiny models run on one thread:
// on a busy 2-core machine, two threads wait on each other for every operation and a tiny model
// gets ~100x slower.
import assert from "node:assert/strict";
import Ajv from "ajv";
import {isEngineError} from "../../src/engine/errors";
import {findingsMaxTokens, findingsSchema, parseRawFindings} from "../../src/review/findings";
import {reviewPrompt, structuringPrompt} from "../../src/review/prompts";
import {review} from "../../src/review/reviewer";
import {textUnits} from "../../src/review/units";
import {diffUnits, parseUnifiedDiff} from "../../src/review/hunks";
import {exampleFile, scriptedFinding, scriptedReviewModel} from "../cli/reviewModel";
import {randomModel, TINY_RANDOM_SHAPE} from "../models/random";
import {startClient} from "./harness";

const validate = new Ajv({strict: false}).compile(findingsSchema());

const exampleDiff = `diff --git a/src/math.js b/src/math.js
index 1111111..2222222 100644
--- a/src/math.js
+++ b/src/math.js
@@ -1,5 +1,5 @@
 function add(a, b) {
-    return a + b;
+    return a - b;
 }
 
 export {add};
`;

describe("review on random models: the structured pass always matches the findings schema", function () {
    this.timeout(120_000);
    const {client, logs} = startClient({requestTimeoutMs: 120_000});
    after(() => client.shutdown());
    const unit = diffUnits(parseUnifiedDiff(exampleDiff), 2000).units[0]!;

    // The messages and limits the reviewer's second pass sends, after a plausible first-pass answer.
    const structuredPass = (temperature: number, seed: number) =>
        client.structured({
            messages: [
                {role: "user", content: reviewPrompt(unit)},
                {role: "assistant", content: "Line 2 returns a - b, but add() must return a + b. Replace it with `return a + b;`."},
                {role: "user", content: structuringPrompt()}
            ],
            schema: findingsSchema(),
            maxTokens: findingsMaxTokens(),
            temperature,
            seed
        });

    // Temperature 0, as the reviewer runs this pass. (At temperature 1, seed 6 once hit one of the
    // chat wrapper's stop triggers inside a string and the JSON was cut: the reviewer turns that into
    // a note — see the unit tests — but it is why this pass is greedy.)
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
        it(`seed ${seed}`, async () => {
            // A context larger than the tiny model's training size, so even the grammar's longest JSON fits.
            client.configure({modelPath: await randomModel({...TINY_RANDOM_SHAPE, seed}), threads: 1, contextSize: 16_384});
            const output = await structuredPass(0, seed);
            assert.ok(validate(output.value), `seed ${seed}: ${JSON.stringify(validate.errors)}\n${output.text}\n${logs.slice(-3).join("\n")}`);
            assert.deepEqual(JSON.parse(output.text), output.value);
            assert.ok(parseRawFindings(output.value).ok);
        });
    }

    it("a whole review of noise yields findings on lines the unit showed, or notes, never a failure", async () => {
        client.configure({modelPath: await randomModel({...TINY_RANDOM_SHAPE, seed: 1}), threads: 1, contextSize: 16_384});
        const result = await review([unit], client, {settings: {thoughtBudget: 16, maxTokens: 48, seed: 1}});
        assert.equal(result.stats.units, 1);
        for (const finding of result.findings) {
            assert.ok(finding.startLine >= 1 && finding.endLine <= 5 && finding.startLine <= finding.endLine, JSON.stringify(finding));
            assert.equal(finding.cited.length, finding.endLine - finding.startLine + 1);
        }
    });
});

describe("review on the scripted model, end to end", function () {
    this.timeout(90_000);

    it("streams the reasoning and returns the model's finding, tied to its line", async () => {
        const {client} = startClient();
        try {
            client.configure({modelPath: await scriptedReviewModel(), threads: 1});
            const thoughts: string[] = [];
            const done: string[] = [];
            const result = await review(textUnits("src/math.js", exampleFile, 1000), client, {
                onThought: (text) => thoughts.push(text),
                onFileDone: (file) => done.push(file.file)
            });
            assert.equal(thoughts.join(""), "Line two subtracts.");
            assert.deepEqual(done, ["src/math.js"]);
            assert.deepEqual(result.findings, [{file: "src/math.js", ...scriptedFinding, cited: ["    return a - b;"]}]);
            assert.deepEqual(result.notes, []);
            assert.ok(result.stats.structuredTokens > 0);
        } finally {
            await client.shutdown();
        }
    });

    it("stops at once when cancelled, and the engine serves the next review", async () => {
        const {client} = startClient();
        try {
            client.configure({modelPath: await scriptedReviewModel({answerLoop: true}), threads: 1});
            await client.ensureModel();
            const controller = new AbortController();
            let answered = 0;
            const running = review(textUnits("src/math.js", exampleFile, 1000), client, {
                signal: controller.signal,
                settings: {maxTokens: 100_000},
                onAnswer: () => {
                    if (++answered === 20) controller.abort();
                }
            });
            const started = performance.now();
            await assert.rejects(running, (error) => isEngineError(error, "Aborted"));
            assert.ok(answered >= 20 && answered < 200, `${answered} answer chunks`);
            assert.ok(performance.now() - started < 10_000);

            client.configure({modelPath: await scriptedReviewModel(), threads: 1});
            const again = await review(textUnits("src/math.js", exampleFile, 1000), client);
            assert.equal(again.findings.length, 1);
        } finally {
            await client.shutdown();
        }
    });
});
