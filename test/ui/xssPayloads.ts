/**
 * Hostile model output. Each payload, if it ever ran, would set `top.__pwned` or open a dialog
 * (both detected by the tests), or fetch a URL off the loopback server (aborted and recorded).
 * They cover raw HTML, event handlers, script-bearing URLs, SVG/MathML, iframes, CSS, mutation XSS,
 * template injection, markdown-specific tricks and Unicode look-alikes.
 */
export interface Payload {
    name: string;
    text: string;
}

const P = "top.__pwned=1";

export const xssPayloads: readonly Payload[] = [
    {name: "script tag", text: `<script>${P}</script>`},
    {name: "script tag, upper case and attributes", text: `<SCRIPT type="text/javascript">${P}</SCRIPT>`},
    {name: "script with src", text: `<script src="data:text/javascript,${P}"></script>`},
    {name: "split script tag", text: `<scr<script>ipt>${P}</scr</script>ipt>`},
    {name: "img onerror", text: `<img src=x onerror="${P}">`},
    {name: "img onerror without quotes", text: `<img src=x onerror=${P}>`},
    {name: "svg onload", text: `<svg onload="${P}"></svg>`},
    {name: "svg script", text: `<svg><script>${P}</script></svg>`},
    {name: "svg animate href", text: `<svg><a><animate attributeName="href" values="javascript:${P}"/><text y="20">x</text></a></svg>`},
    {name: "svg xlink:href", text: `<svg><a xlink:href="javascript:${P}"><text y="20">click</text></a></svg>`},
    {name: "iframe srcdoc", text: `<iframe srcdoc="<script>${P}</script>"></iframe>`},
    {name: "iframe javascript src", text: `<iframe src="javascript:${P}"></iframe>`},
    {name: "object data", text: `<object data="data:text/html,<script>${P}</script>"></object>`},
    {name: "embed", text: `<embed src="data:text/html;base64,PHNjcmlwdD50b3AuX19wd25lZD0xPC9zY3JpcHQ+">`},
    {name: "details ontoggle", text: `<details open ontoggle="${P}"><summary>x</summary></details>`},
    {name: "input autofocus onfocus", text: `<input autofocus onfocus="${P}">`},
    {name: "body onload", text: `<body onload="${P}">`},
    {name: "video source onerror", text: `<video><source onerror="${P}"></video>`},
    {name: "form action button", text: `<form action="javascript:${P}"><button>go</button></form>`},
    {name: "meta refresh", text: `<meta http-equiv="refresh" content="0;url=javascript:${P}">`},
    {name: "base href", text: `<base href="javascript:${P}//">`},
    {name: "style expression", text: `<div style="width: expression(${P})">x</div>`},
    {name: "style url javascript", text: `<div style="background:url('javascript:${P}')">x</div>`},
    {name: "style tag with import", text: `<style>@import "https://evil.example/x.css"; body{background:url(https://evil.example/bg.png)}</style>`},
    {name: "remote image tracking", text: `<img src="https://evil.example/pixel.png">`},
    {name: "mutation XSS via noscript", text: `<noscript><p title="</noscript><img src=x onerror=${P}>">`},
    {name: "mutation XSS via math/style", text: `<math><mtext><table><mglyph><style><img src=x onerror=${P}>`},
    {name: "markdown javascript link", text: `[click me](javascript:${P})`},
    {name: "markdown javascript link, mixed case", text: `[click me](JaVaScRiPt:${P})`},
    {name: "markdown javascript link, entity-encoded", text: `[click me](&#106;avascript:${P})`},
    {name: "markdown javascript link, tab inside", text: `[click me](java\tscript:${P})`},
    {name: "markdown javascript link, percent-encoded colon", text: `[click me](javascript%3A${P})`},
    {name: "markdown reference link", text: `[click me][evil]\n\n[evil]: javascript:${P}`},
    {name: "markdown autolink", text: `<javascript:${P}>`},
    {name: "markdown data: link", text: `[click me](data:text/html,<script>${P}</script>)`},
    {name: "markdown data: image", text: `![x](data:image/svg+xml,<svg onload="${P}"/>)`},
    {name: "markdown javascript image", text: `![x](javascript:${P})`},
    {name: "markdown remote image", text: `![pixel](https://evil.example/track.png)`},
    {name: "markdown vbscript link", text: `[click me](vbscript:msgbox(1))`},
    {name: "markdown link title breaks out", text: `[x](https://example.com "a\\" onmouseover=\\"${P}")`},
    {name: "markdown link with attributes in URL", text: `[x](https://example.com"onmouseover="${P})`},
    {name: "fence info string injection", text: "```js\" onclick=\"" + P + "\" x=\"\nconsole.log(1)\n```"},
    {name: "fence language with HTML", text: "```<img src=x onerror=" + P + ">\ncode\n```"},
    {name: "HTML inside a table cell", text: `| a |\n|---|\n| <img src=x onerror=${P}> |`},
    {name: "HTML in a heading and emphasis", text: `# <svg onload=${P}>\n\n*<img src=x onerror=${P}>*`},
    {name: "template injection (Angular/Vue style)", text: `{{constructor.constructor('${P}')()}}`},
    {name: "template literal", text: "${" + P + "}"},
    {name: "fullwidth angle brackets", text: `＜script＞${P}＜/script＞`},
    {name: "unicode escapes in a link", text: `[x](\\u006aavascript:${P})`},
    {name: "right-to-left override in a link", text: `[https://example.com/\u202Egnp.exe](javascript:${P})`},
    {name: "null byte in a tag", text: `<scr\u0000ipt>${P}</scr\u0000ipt>`},
    {name: "HTML comment trick", text: `<!--><img src=x onerror=${P}>-->`},
    {name: "CDATA trick", text: `<![CDATA[><img src=x onerror=${P}>]]>`},
    {name: "link to a command URI", text: `[run](command:workbench.action.terminal.new)`},
    {name: "link to file URI", text: `[open](file:///etc/passwd)`},
    {name: "alert dialog", text: `<img src=x onerror="alert('xss')"><svg onload=confirm(1)>`}
];
