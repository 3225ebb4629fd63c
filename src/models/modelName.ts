/**
 * The name a model is shown by (status bar, messages): the model's own name from its GGUF header
 * (`general.name`) when known, else its file name tidied — "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"
 * reads "DeepSeek R1 Distill Qwen 7B · Q4_K_M". The quantization comes from the file name either
 * way: two files of one model differ only by it.
 */
import {basename} from "node:path";

/** llama.cpp's quantization names as files carry them: Q4_K_M, Q8_0, IQ2_XXS, F16, BF16, TQ1_0, MXFP4… */
const quantization = /(?:^|[-_. ])((?:I|T)?Q\d+(?:_[A-Z0-9]+)*|BF16|F16|F32|MXFP4(?:_MOE)?)$/i;
/** Part 1 of a split model: "…-00001-of-00003". */
const splitPart = /-\d{5}-of-\d{5}$/;

export function modelDisplayName(modelPath: string, generalName?: string): string {
    const stem = basename(modelPath).replace(/\.gguf$/i, "").replace(splitPart, "");
    const quant = quantization.exec(stem);
    const withoutQuant = quant ? stem.slice(0, quant.index) : stem;
    const own = generalName?.trim();
    const name = own !== undefined && own !== "" ? own : tidy(withoutQuant) || tidy(stem);
    const tag = quant?.[1]?.toUpperCase();
    return tag !== undefined && !name.toUpperCase().endsWith(tag) && name !== tag ? `${name} · ${tag}` : name;
}

/** "DeepSeek-R1-Distill-Qwen-7B" → "DeepSeek R1 Distill Qwen 7B"; dots inside versions ("Qwen2.5") stay. */
function tidy(text: string): string {
    return text.replace(/[-_]+/g, " ").replace(/\s+/g, " ").trim();
}

/** At most `max` characters, cut at a word when one ends near the limit, with "…". */
export function shortenName(name: string, max: number): string {
    if (name.length <= max) return name;
    const cut = name.slice(0, max - 1);
    const space = cut.lastIndexOf(" ");
    return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}
