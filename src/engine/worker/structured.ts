/**
 * The `structured` operation: an answer that always parses, constrained by a grammar made from a
 * JSON schema (node-llama-cpp compiles the schema to GBNF, so the model cannot emit anything else).
 * It runs on the review sequence and without reasoning (the thought is closed before the answer, as
 * R1 answers without reasoning: "<think>\n\n</think>\n\n"):
 * the reasoning happens in an earlier, free `chat` pass whose conclusion this pass only structures.
 */
import type {GbnfJsonSchema} from "node-llama-cpp";
import type {StructuredParams, StructuredResult} from "../protocol";
import {chatFor, closedThought, r1Sampling, toHistory} from "./chat";
import {backgroundPriority} from "./batchPriority";
import type {LoadedModel} from "./runtime";

export async function runStructured(loaded: LoadedModel, params: StructuredParams, signal: AbortSignal): Promise<StructuredResult> {
    return loaded.lock("review").run(async () => {
        const started = performance.now();
        const grammar = await loaded.model.llama.createGrammarForJsonSchema<GbnfJsonSchema>(params.schema as GbnfJsonSchema);
        const chat = chatFor(loaded, "review");
        const opening = loaded.info.thinks ? closedThought("") : [];
        let tokens = 0;
        const response = await chat.generateResponse([...toHistory(params), {type: "model", response: opening}], {
            grammar,
            signal,
            evaluationPriority: backgroundPriority,
            maxTokens: params.maxTokens ?? 2048,
            temperature: params.temperature ?? 0,
            topP: r1Sampling.topP,
            ...(params.seed != null ? {seed: params.seed} : {}),
            budgets: {thoughtTokens: Infinity},
            onResponseChunk: (chunk) => {
                tokens += chunk.tokens.length;
            }
        });
        return {value: grammar.parse(response.response), text: response.response, tokens, totalMs: Math.round(performance.now() - started)};
    });
}
