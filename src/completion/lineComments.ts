/**
 * Line-comment syntax per VS Code language id. Without special tokens, other files enter a FIM
 * prompt as comments at the top of the current file, so the prompt stays valid code in that language.
 */

const hash = new Set([
    "python", "shellscript", "ruby", "perl", "r", "yaml", "toml", "dockerfile", "makefile", "powershell",
    "coffeescript", "julia", "elixir", "nim", "cmake", "properties", "ini", "graphql"
]);
const dashes = new Set(["sql", "lua", "haskell", "elm", "ada", "vhdl"]);
const slashes = new Set([
    "typescript", "typescriptreact", "javascript", "javascriptreact", "java", "c", "cpp", "csharp", "go",
    "rust", "swift", "kotlin", "scala", "dart", "php", "objective-c", "objective-cpp", "groovy", "zig",
    "jsonc", "less", "scss", "proto", "solidity", "verilog", "fsharp", "d", "hlsl", "glsl", "cuda-cpp"
]);
const semicolons = new Set(["clojure", "lisp", "scheme", "racket", "asm", "ini-semicolon"]);
const percents = new Set(["latex", "tex", "matlab", "erlang", "prolog"]);

/** The line-comment prefix for `languageId`, or undefined when the language has none we know. */
export function lineCommentFor(languageId: string): string | undefined {
    if (slashes.has(languageId)) return "//";
    if (hash.has(languageId)) return "#";
    if (dashes.has(languageId)) return "--";
    if (semicolons.has(languageId)) return ";";
    if (percents.has(languageId)) return "%";
    return undefined;
}
