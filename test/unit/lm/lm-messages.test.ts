import assert from "node:assert/strict";
import {estimatedTokenCount, LmMessageError, toEngineMessages, type LmMessage} from "../../../src/lm/lmMessages";
import {defaultContextTokens, describeLmModel} from "../../../src/lm/lmModelInfo";

const user = (...texts: string[]): LmMessage => ({role: "user", texts, otherParts: 0});
const assistant = (...texts: string[]): LmMessage => ({role: "assistant", texts, otherParts: 0});

describe("language-model API messages", () => {
    it("joins a message's text parts and keeps the roles in order", () => {
        const {messages, leftOutParts} = toEngineMessages([user("What is ", "2+2?"), assistant("4."), user("And 3+3?")]);
        assert.deepEqual(messages, [
            {role: "user", content: "What is 2+2?"},
            {role: "assistant", content: "4."},
            {role: "user", content: "And 3+3?"}
        ]);
        assert.equal(leftOutParts, 0);
    });

    it("leaves earlier thoughts out of answers sent back, whether the thought was opened or only closed", () => {
        const {messages} = toEngineMessages([user("Hi"), assistant("<think>\nHmm, ok.\n</think>\n\nHello!"), user("Again"), assistant("Only closed.</think>Hi again."), user("Bye")]);
        assert.equal(messages[1]?.content, "Hello!");
        assert.equal(messages[3]?.content, "Hi again.");
    });

    it("merges consecutive messages of one role (R1 takes no system prompt: instructions join the user turn)", () => {
        const {messages} = toEngineMessages([user("You are terse."), user("Explain X.")]);
        assert.deepEqual(messages, [{role: "user", content: "You are terse.\n\nExplain X."}]);
    });

    it("counts the parts that are not text instead of sending them", () => {
        const {messages, leftOutParts} = toEngineMessages([{role: "user", texts: ["Hi"], otherParts: 2}, {role: "assistant", texts: [], otherParts: 1}, user("Go")]);
        assert.deepEqual(messages, [{role: "user", content: "Hi\n\nGo"}]);
        assert.equal(leftOutParts, 3);
    });

    it("refuses a request with nothing to answer, saying why", () => {
        assert.throws(() => toEngineMessages([]), (error: unknown) => error instanceof LmMessageError && /no text/.test(error.message));
        assert.throws(() => toEngineMessages([user("Hi"), assistant("Hello")]), /ends with an assistant message/);
    });

    it("estimates about four characters a token, rounding up", () => {
        assert.equal(estimatedTokenCount(""), 0);
        assert.equal(estimatedTokenCount("abcd"), 1);
        assert.equal(estimatedTokenCount("abcde"), 2);
    });
});

describe("language-model API model description", () => {
    it("names the model as the status bar does and sizes it from the context", () => {
        const model = describeLmModel({modelPath: "/m/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf", generalName: "DeepSeek R1 Distill Qwen 7B", contextSize: 8192, maxOutputTokens: 2048, architecture: "qwen2"});
        assert.equal(model.name, "DeepSeek R1 Distill Qwen 7B · Q4_K_M");
        assert.equal(model.maxOutputTokens, 2048);
        assert.equal(model.maxInputTokens, 8192 - 2048);
        assert.equal(model.family, "qwen2");
        assert.equal(model.capabilities.toolCalling, false);
    });

    it("assumes a small context before the first load, and never gives the answer more than half", () => {
        const model = describeLmModel({modelPath: "/m/tiny.gguf", maxOutputTokens: 100_000});
        assert.equal(model.name, "tiny");
        assert.equal(model.maxOutputTokens, defaultContextTokens / 2);
        assert.equal(model.maxInputTokens + model.maxOutputTokens, defaultContextTokens);
    });
});
