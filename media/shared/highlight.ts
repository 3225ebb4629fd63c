/**
 * Syntax highlighting for code blocks: highlight.js core with its common languages (bundled, no
 * network). Streaming re-renders the same finished blocks many times, so results are cached.
 */
import hljs from "highlight.js/lib/common";

const CACHE_LIMIT = 200;
const cache = new Map<string, string>();

/**
 * HTML for `code` in `language`, or "" when the language is unknown — markdown-it then escapes the
 * code itself. Only highlight.js's own escaped output is returned; the result is sanitised again
 * with the rest of the answer.
 */
export function highlightCode(code: string, language: string): string {
    const name = language.trim().toLowerCase();
    if (name === "" || !hljs.getLanguage(name)) return "";
    const key = `${name}\u0000${code}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    let html: string;
    try {
        html = hljs.highlight(code, {language: name, ignoreIllegals: true}).value;
    } catch {
        return "";
    }
    if (cache.size >= CACHE_LIMIT) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(key, html);
    return html;
}
