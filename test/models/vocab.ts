// A byte-level BPE vocabulary shaped like DeepSeek-R1-Distill-Qwen's (GPT-2 style, as llama.cpp
// loads it with `tokenizer.ggml.model = gpt2`, `tokenizer.ggml.pre = deepseek-r1-qwen`).
//
// - 256 byte tokens in GPT-2's byte-to-unicode form (a space is stored as "Ġ", a newline as "Ċ"),
//   so any text can be tokenized; a few merges so common text takes fewer tokens.
// - R1's special tokens: BOS/EOS/User/Assistant as control tokens (type 3), `<think>`/`</think>`
//   as user-defined (type 4, matched in plain text too), Qwen's FIM tokens so llama.cpp and
//   node-llama-cpp enable infill.
// - Extra normal tokens added by a generator (the scripted model's output steps).
// - Optional padding to a realistic size: 151,936 puts the special tokens at their real ids
//   (151643…) and fills the rest as llama.cpp's converter does.
//
// llama.cpp requires every token text to be unique: a duplicate fails an assertion and aborts the
// process (newer builds throw "duplicate token in vocabulary"), so the builder refuses duplicates.
import { QWEN25_CODER_CHAT_TEMPLATE, R1_DISTILL_QWEN_CHAT_TEMPLATE } from "./chat-template";
import { gguf } from "./gguf-writer";
import type { GgufMetadata } from "./gguf-writer";

/** llama.cpp `enum llama_token_type` values stored in `tokenizer.ggml.token_type`. */
export const TokenType = {
    normal: 1,
    unknown: 2,
    control: 3,
    userDefined: 4,
    unused: 5,
    byte: 6
} as const;
export type TokenTypeId = typeof TokenType[keyof typeof TokenType];

/**
 * The added tokens R1-Distill-Qwen and Qwen2.5-Coder share, after each family's first seven (ids
 * 151650 onwards in both): vision and tool-call tokens, then the FIM and repository tokens.
 */
const QWEN_SHARED_SPECIAL_TOKENS = [
    ["quadStart", "<|quad_start|>", TokenType.control],
    ["quadEnd", "<|quad_end|>", TokenType.control],
    ["visionStart", "<|vision_start|>", TokenType.control],
    ["visionEnd", "<|vision_end|>", TokenType.control],
    ["visionPad", "<|vision_pad|>", TokenType.control],
    ["imagePad", "<|image_pad|>", TokenType.control],
    ["videoPad", "<|video_pad|>", TokenType.control],
    ["toolCall", "<tool_call>", TokenType.userDefined],
    ["endToolCall", "</tool_call>", TokenType.userDefined],
    // FIM tokens are control tokens: llama.cpp finds them by text and would otherwise warn and
    // override their type; `<|fim_pad|>`, `<|repo_name|>` and `<|file_sep|>` also end generation.
    ["fimPrefix", "<|fim_prefix|>", TokenType.control],
    ["fimMiddle", "<|fim_middle|>", TokenType.control],
    ["fimSuffix", "<|fim_suffix|>", TokenType.control],
    ["fimPad", "<|fim_pad|>", TokenType.control],
    ["repoName", "<|repo_name|>", TokenType.control],
    ["fileSep", "<|file_sep|>", TokenType.control]
] as const;

/** R1-Distill-Qwen's added tokens, in their real id order (151643 onwards). */
const specialTokenList = [
    ["eos", "<｜end▁of▁sentence｜>", TokenType.control],
    ["user", "<｜User｜>", TokenType.control],
    ["assistant", "<｜Assistant｜>", TokenType.control],
    ["bos", "<｜begin▁of▁sentence｜>", TokenType.control],
    ["eot", "<|EOT|>", TokenType.control],
    ["think", "<think>", TokenType.userDefined],
    ["endThink", "</think>", TokenType.userDefined],
    ...QWEN_SHARED_SPECIAL_TOKENS
] as const;

export type SpecialTokenName = typeof specialTokenList[number][0];
const defaultSpecials: SpecialTokenList<SpecialTokenName> = specialTokenList;

/** The added tokens of a vocabulary: name, text, token type, in id order. */
export type SpecialTokenList<N extends string> = readonly (readonly [N, string, TokenTypeId])[];

/**
 * Qwen2.5-Coder's added tokens, in their real id order (151643 onwards): ChatML's `<|im_start|>`/
 * `<|im_end|>`, no R1 or `<think>` tokens, the FIM and repository tokens.
 */
export const QWEN_CODER_SPECIAL_TOKENS = [
    ["endOfText", "<|endoftext|>", TokenType.control],
    ["imStart", "<|im_start|>", TokenType.control],
    ["imEnd", "<|im_end|>", TokenType.control],
    ["objectRefStart", "<|object_ref_start|>", TokenType.control],
    ["objectRefEnd", "<|object_ref_end|>", TokenType.control],
    ["boxStart", "<|box_start|>", TokenType.control],
    ["boxEnd", "<|box_end|>", TokenType.control],
    ...QWEN_SHARED_SPECIAL_TOKENS
] as const satisfies SpecialTokenList<string>;
export type QwenCoderTokenName = typeof QWEN_CODER_SPECIAL_TOKENS[number][0];
/**
 * `VocabBuilder.build` options for Qwen2.5-Coder's tokenizer: its added tokens, `<|endoftext|>` as
 * BOS and EOS, no BOS prepended, the qwen2 pre-tokenizer and its ChatML chat template.
 */
export const QWEN_CODER_TOKENIZER = {
    specials: QWEN_CODER_SPECIAL_TOKENS,
    bos: "endOfText",
    eos: "endOfText",
    addBos: false,
    pre: "qwen2",
    chatTemplate: QWEN25_CODER_CHAT_TEMPLATE
} as const;
export const SPECIAL_TOKEN_TEXT = Object.fromEntries(specialTokenList.map(([name, text]) => [name, text])) as
    Readonly<Record<SpecialTokenName, string>>;

/** Id of `<｜end▁of▁sentence｜>` in the real vocabulary; the special tokens follow it. */
export const R1_SPECIAL_TOKENS_START = 151643;
/** Size of the real vocabulary (Qwen2.5's embedding rows). */
export const R1_VOCAB_SIZE = 151936;

// GPT-2's byte-to-unicode map: printable bytes stand for themselves, the others are shifted to
// U+0100 and up so every byte has a visible, non-whitespace character.
const byteToChar: readonly string[] = (() => {
    const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const chars: string[] = [];
    let shifted = 0;
    for (let b = 0; b < 256; b++)
        chars.push(String.fromCodePoint(printable(b) ? b : 256 + shifted++));
    return chars;
})();
const textEncoder = new TextEncoder();

/** Raw text → the form a normal token is stored in. */
export function encodeTokenText(raw: string): string {
    let out = "";
    for (const byte of textEncoder.encode(raw))
        out += byteToChar[byte]!;
    return out;
}

// Byte tokens in GPT-2/Qwen order: the printable ones first, then the shifted ones.
const byteTokens: readonly string[] = [...byteToChar].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);

// Common pairs of English and code, as raw text. Each result becomes a token; order is merge rank.
const rawMerges: readonly (readonly [string, string])[] = [
    [" ", " "], ["  ", "  "], ["    ", "    "], ["\n", "\n"], [" ", "t"], [" ", "a"], ["h", "e"], ["i", "n"],
    ["r", "e"], ["o", "n"], [" t", "he"], ["e", "r"], [" ", "s"], ["a", "t"], [" ", "w"], ["o", "u"],
    [" ", "c"], ["i", "s"], ["e", "n"], [" ", "f"], [" ", "p"], ["e", "s"], ["o", "r"], [" ", "b"],
    ["l", "e"], [" ", "m"], ["a", "n"], [" ", "o"], [" ", "d"], ["i", "t"], ["e", "d"], ["a", "r"],
    ["a", "l"], [" ", "i"], [" ", "n"], ["r", "o"], [" ", "l"], [" ", "h"], ["u", "n"], ["c", "t"],
    [" ", "("], [" ", "="], [" ", "{"], [")", ";"], ["(", ")"], [" ", "r"], ["e", "t"], ["r", "et"],
    ["u", "r"], ["ur", "n"], ["ret", "urn"], ["c", "on"], ["s", "t"], ["on", "st"], ["c", "onst"],
    ["f", "un"], ["fun", "ct"], ["funct", "i"], ["functi", "on"], [" i", "f"], [";", "\n"], ["{", "\n"]
];

export interface BuildOptions {
    /** Total vocabulary size; filled with synthetic normal tokens (and `[PAD…]` after the specials at full size). */
    readonly padTo?: number;
    /** `tokenizer.chat_template`; R1-Distill-Qwen's current template by default; null: no such key. */
    readonly chatTemplate?: string | null;
}

/** Another family's added tokens (default: R1-Distill-Qwen's), and the tokenizer keys that go with them. */
export interface SpecialsOptions<N extends string> {
    readonly specials: SpecialTokenList<N>;
    readonly bos: N;
    readonly eos: N;
    readonly addBos: boolean;
    /** `tokenizer.ggml.pre`. */
    readonly pre: string;
}

export interface Vocab<N extends string = SpecialTokenName> {
    /** Token texts as stored in the GGUF (normal tokens in byte-to-unicode form). */
    readonly tokens: readonly string[];
    readonly tokenTypes: Int32Array;
    /** Merges as stored: "left right" in byte-to-unicode form. */
    readonly merges: readonly string[];
    readonly special: Readonly<Record<N, number>>;
    readonly chatTemplate: string | null;
    /** Id of the normal token for this raw text, if there is one. */
    normalId(raw: string): number | undefined;
    /** The `tokenizer.*` metadata keys. */
    metadata(): GgufMetadata;
}

export class VocabBuilder {
    private readonly texts: string[] = [];
    private readonly ids = new Map<string, number>();
    // Both families' added tokens: a scripted step must never collide with either.
    private readonly reserved = new Set<string>([...specialTokenList, ...QWEN_CODER_SPECIAL_TOKENS].map(([, text]) => text));
    private readonly merges: string[] = [];

    constructor() {
        for (const text of byteTokens)
            this.push(text);
        for (const [left, right] of rawMerges) {
            const encodedLeft = encodeTokenText(left);
            const encodedRight = encodeTokenText(right);
            if (!this.ids.has(encodedLeft) || !this.ids.has(encodedRight))
                throw new Error(`Merge ${JSON.stringify([left, right])} uses a token that isn't in the vocabulary yet`);
            this.merges.push(`${encodedLeft} ${encodedRight}`);
            if (!this.ids.has(encodedLeft + encodedRight))
                this.push(encodedLeft + encodedRight);
        }
    }

    /** Whether a normal token for this raw text would collide with an existing token. */
    has(raw: string): boolean {
        const encoded = encodeTokenText(raw);
        return this.ids.has(encoded) || this.reserved.has(encoded);
    }

    /** Adds a normal token (never produced by tokenizing text: no merge leads to it). Returns its id. */
    addNormal(raw: string): number {
        if (raw === "")
            throw new Error("A token can't be empty");
        if (this.has(raw))
            throw new Error(`Token ${JSON.stringify(raw)} is already in the vocabulary`);
        return this.push(encodeTokenText(raw));
    }

    get size(): number {
        return this.texts.length;
    }

    // The specials overload first: an options object that names another family's tokens (such as
    // QWEN_CODER_TOKENIZER, not a literal) would also match the plain one and lose its token names.
    build<N extends string>(options: BuildOptions & SpecialsOptions<N>): Vocab<N>;
    build(options?: BuildOptions): Vocab;
    build<N extends string>(options: BuildOptions & Partial<SpecialsOptions<N>> = {}): Vocab<N> {
        const { padTo, chatTemplate = R1_DISTILL_QWEN_CHAT_TEMPLATE } = options;
        const specialTokenList = (options.specials ?? defaultSpecials) as SpecialTokenList<N>;
        const bosName = (options.bos ?? "bos") as N;
        const eosName = (options.eos ?? "eos") as N;
        const texts = [...this.texts];
        const types: number[] = texts.map(() => TokenType.normal);
        const taken = new Set([...texts, ...this.reserved]);
        const specialCount = specialTokenList.length;

        let specialsStart = texts.length;
        if (padTo != null) {
            if (padTo < texts.length + specialCount)
                throw new Error(`padTo ${padTo} is smaller than the ${texts.length + specialCount} tokens needed`);
            specialsStart = padTo >= R1_SPECIAL_TOKENS_START + specialCount && texts.length <= R1_SPECIAL_TOKENS_START
                ? R1_SPECIAL_TOKENS_START
                : padTo - specialCount;
        }
        // Filler up to the special tokens: normal word-like tokens, so a random model writes visible text.
        for (let n = 0; texts.length < specialsStart; n++) {
            const text = encodeTokenText(syntheticWord(n));
            if (taken.has(text))
                continue;
            taken.add(text);
            texts.push(text);
            types.push(TokenType.normal);
        }

        const special = {} as Record<N, number>;
        for (const [name, text, type] of specialTokenList) {
            special[name] = texts.length;
            texts.push(text);
            types.push(type);
        }
        // Past the special tokens llama.cpp's converter pads the embedding rows with unused "[PAD<id>]".
        while (padTo != null && texts.length < padTo) {
            const text = `[PAD${texts.length}]`;
            if (taken.has(text))
                throw new Error(`Padding token ${text} collides with another token`);
            texts.push(text);
            types.push(TokenType.unused);
        }

        if (new Set(texts).size !== texts.length)
            throw new Error("The vocabulary has duplicate token texts; llama.cpp would abort loading it");

        const ids = new Map(this.ids);
        const merges = [...this.merges];
        const tokenTypes = Int32Array.from(types);
        return {
            tokens: texts,
            tokenTypes,
            merges,
            special,
            chatTemplate,
            normalId: (raw) => ids.get(encodeTokenText(raw)),
            metadata: () => ({
                "tokenizer.ggml.model": gguf.str("gpt2"),
                "tokenizer.ggml.pre": gguf.str(options.pre ?? "deepseek-r1-qwen"),
                "tokenizer.ggml.tokens": gguf.strs(texts),
                "tokenizer.ggml.token_type": gguf.i32s(tokenTypes),
                "tokenizer.ggml.merges": gguf.strs(merges),
                "tokenizer.ggml.bos_token_id": gguf.u32(special[bosName]),
                "tokenizer.ggml.eos_token_id": gguf.u32(special[eosName]),
                "tokenizer.ggml.padding_token_id": gguf.u32(special[eosName]),
                "tokenizer.ggml.add_bos_token": gguf.bool(options.addBos ?? true),
                "tokenizer.ggml.add_eos_token": gguf.bool(false),
                ...(chatTemplate != null ? {"tokenizer.chat_template": gguf.str(chatTemplate)} : {})
            })
        };
    }

    private push(text: string): number {
        const id = this.texts.length;
        this.texts.push(text);
        this.ids.set(text, id);
        return id;
    }
}

// Pronounceable filler words (" kalo", "mire", …); half of them start with a space, like real BPE words.
const syllables = ["ka", "lo", "mi", "nu", "re", "sa", "ti", "vo", "be", "da", "fu", "go", "he", "jo", "pi", "zu"];
function syntheticWord(n: number): string {
    let word = "";
    let rest = Math.floor(n / 2);
    do {
        word += syllables[rest % syllables.length]!;
        rest = Math.floor(rest / syllables.length);
    } while (rest > 0);
    return n % 2 === 0 ? ` ${word}` : word;
}
