/**
 * Model output → safe DOM. Model text is untrusted: markdown-it with raw HTML off turns any markup
 * in it into text, DOMPurify then keeps only the tags and attributes markdown produces, and links
 * keep an href only when it is an absolute http(s) address (clicks go to the host, see links.ts).
 * Images are not rendered at all: a remote image would be a request the user did not make.
 */
import DOMPurify, {type Config} from "dompurify";
import MarkdownIt from "markdown-it";
import {isSafeExternalHref} from "../../src/webview/protocol";
import {highlightCode} from "./highlight";

const markdown = new MarkdownIt({
    html: false,
    linkify: true,
    typographer: false,
    highlight: (code, language) => highlightCode(code, language)
});
markdown.disable(["image"]);

// Table alignment comes out as style="text-align:…", which the CSP (no inline styles) would block;
// turn it into a class instead.
for (const rule of ["th_open", "td_open"] as const) {
    markdown.renderer.rules[rule] = (tokens, index, options, _env, self) => {
        const token = tokens[index];
        if (token) {
            const align = /text-align:\s*(left|right|center)/.exec(String(token.attrGet("style") ?? ""))?.[1];
            token.attrs = token.attrs?.filter(([name]) => name !== "style") ?? null;
            if (align) token.attrJoin("class", `align-${align}`);
        }
        return self.renderToken(tokens, index, options);
    };
}

const purifyConfig: Config = {
    ALLOWED_TAGS: [
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
        "pre", "code", "span", "em", "strong", "s", "del", "a",
        "table", "thead", "tbody", "tr", "th", "td"
    ],
    ALLOWED_ATTR: ["href", "title", "class", "start"],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: /^https?:\/\//i,
    RETURN_DOM_FRAGMENT: true
};

/** Renders `text` as sanitised markdown into a fragment owned by the current document. */
export function renderMarkdown(text: string): DocumentFragment {
    const html = markdown.render(text);
    const fragment = DOMPurify.sanitize(html, {...purifyConfig, RETURN_DOM_FRAGMENT: true});
    for (const anchor of fragment.querySelectorAll("a")) {
        const href = anchor.getAttribute("href");
        if (href !== null && isSafeExternalHref(href)) {
            anchor.title = href;
            anchor.classList.add("external-link");
        } else {
            // Not a link we would open: show its text only.
            anchor.removeAttribute("href");
        }
    }
    return fragment;
}
