// The one rule for a model's completion format (src/engine/worker/completionFormat.ts), on the chat
// templates the catalogue's models really carry.
import assert from "node:assert/strict";
import {parsePart} from "../../../src/engine/protocol";
import {completionFormatOf} from "../../../src/engine/worker/completionFormat";
import {QWEN25_CODER_CHAT_TEMPLATE, R1_DISTILL_QWEN_CHAT_TEMPLATE, R1_DISTILL_QWEN_CHAT_TEMPLATE_ORIGINAL} from "../../models/chat-template";

describe("completion format", () => {
    it("an R1 distill gets the R1 prompt, although its vocabulary has FIM and repository tokens", () => {
        for (const template of [R1_DISTILL_QWEN_CHAT_TEMPLATE, R1_DISTILL_QWEN_CHAT_TEMPLATE_ORIGINAL]) {
            const decision = completionFormatOf({chatWrapper: "DeepSeek", chatTemplate: template, fimTokens: true, repoTokens: true});
            assert.equal(decision.format, "r1");
            assert.match(decision.reason, /reasoning chat model.*not trained to fill in the middle/s);
        }
    });

    it("Qwen2.5-Coder (FIM and repository tokens, ChatML without <think>) gets repository-level FIM", () => {
        // node-llama-cpp resolves this template to its Qwen wrapper, which has thought segments: the template decides.
        const decision = completionFormatOf({chatWrapper: "Qwen", chatTemplate: QWEN25_CODER_CHAT_TEMPLATE, fimTokens: true, repoTokens: true});
        assert.equal(decision.format, "repoFim");
        assert.match(decision.reason, /<\|repo_name\|>/);
    });

    it("FIM tokens without repository tokens: plain FIM; a reasoning template of another family, or neither: plain", () => {
        assert.equal(completionFormatOf({chatWrapper: "ChatML", chatTemplate: "{{ messages }}", fimTokens: true, repoTokens: false}).format, "fim");
        assert.equal(completionFormatOf({chatWrapper: "ChatML", chatTemplate: undefined, fimTokens: true, repoTokens: false}).format, "fim");
        const qwq = completionFormatOf({chatWrapper: "Qwen", chatTemplate: "{{ '<|im_start|>assistant\\n<think>\\n' }}", fimTokens: true, repoTokens: true});
        assert.equal(qwq.format, "plain");
        assert.match(qwq.reason, /reasoning chat model/);
        assert.equal(completionFormatOf({chatWrapper: "Llama3_1", chatTemplate: "{{ x }}", fimTokens: false, repoTokens: false}).format, "plain");
    });
});

describe("the repository part of a complete request", () => {
    const valid = {prefix: "a", suffix: "b", repository: {name: "shop", files: [{path: "src/a.ts", text: "x\ny"}], path: "src/b.ts"}};

    it("is accepted when well formed", () => {
        assert.equal(parsePart("complete", "params", valid).ok, true);
    });

    it("a name or path that would break the layout's lines is refused with a sentence naming it", () => {
        const cases: [unknown, RegExp][] = [
            [{...valid.repository, name: "a\nb"}, /repository name must be on one line/],
            [{...valid.repository, path: ""}, /current file's path is empty/],
            [{...valid.repository, files: [{path: "x\r\ny", text: ""}]}, /file path must be on one line/]
        ];
        for (const [repository, message] of cases) {
            const parsed = parsePart("complete", "params", {...valid, repository});
            assert.equal(parsed.ok, false);
            assert.match(parsed.ok ? "" : parsed.error, message);
        }
    });
});
