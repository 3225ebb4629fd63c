/**
 * Token-to-DOM latency of a running chat or trace webview, for `npm run bench:chat` and the UI tests.
 *
 *   const result = await measureTokenToDom(pageOrFrame, {view: "chat", chunks: 2000});
 *   // → {chunks, postedChars, renderedChars, droppedChars, tokenToDomP50Ms, tokenToDomP95Ms, ...}
 *
 * `pageOrFrame` is a Playwright Page or Frame showing the view's bundle after its `ready`: the
 * test harness's page, or the webview's inner frame inside a VS Code workbench. The function plays
 * the host: it posts turnStarted, `chunks` answer (or thought) chunks paced by `intervalMs`, then
 * turnEnded, all through `window.postMessage` in that frame, and timestamps each post and each DOM
 * change (MutationObserver) on the same clock. A chunk's latency is the time from its post to the
 * first DOM change that shows all text up to and including it. Characters are counted without
 * whitespace, since rendered markdown collapses whitespace; the chunks are plain words, so every
 * other character must appear. droppedChars = posted − rendered (must be 0).
 *
 * The in-page part is a string, not a function: tsx compiles functions with esbuild's keepNames,
 * whose `__name` helper would not exist inside a VS Code webview.
 */
import type {Frame, Page} from "playwright-core";

export interface TokenLatencyOptions {
    /** "chat": answerChunk into the turn's answer; "trace": thoughtChunk into its thought. */
    view?: "chat" | "trace";
    /** Chunks (stand-ins for tokens) to stream; the issue asks for at least 2000. */
    chunks?: number;
    /** Pause between posts; 4 ms (~250 tokens/s) is faster than the model on this machine. */
    intervalMs?: number;
    /** Chunks posted back to back at each tick (a burst, as after a stall). */
    chunksPerTick?: number;
    turnId?: string;
}

export interface Sample {
    /** performance.now() in the page. */
    t: number;
    /** Non-whitespace characters posted so far (posts) or on screen (samples). */
    chars: number;
}

export interface TokenLatencyResult {
    view: "chat" | "trace";
    chunks: number;
    postedChars: number;
    renderedChars: number;
    droppedChars: number;
    /** Chunks whose text never reached the DOM. */
    undeliveredChunks: number;
    tokenToDomP50Ms: number;
    tokenToDomP95Ms: number;
    tokenToDomMaxMs: number;
    /** DOM updates observed: fewer than chunks means updates were batched per frame. */
    domUpdates: number;
    totalMs: number;
}

/** Deterministic plain prose in token-sized pieces (" word", ",", paragraph breaks); no markdown syntax. */
export function proseChunks(count: number): string[] {
    const words = ["model", "local", "token", "thread", "cache", "answer", "context", "prompt", "quiet", "render", "stream", "value", "buffer", "offline"];
    const chunks: string[] = [];
    let seed = 12345;
    for (let i = 0; i < count; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const word = words[seed % words.length] ?? "word";
        chunks.push(i % 40 === 39 ? ".\n\n" : i % 9 === 8 ? "," : i % 40 === 0 ? word[0]?.toUpperCase() + word.slice(1) : ` ${word}`);
    }
    return chunks;
}

const percentile = (sorted: readonly number[], p: number): number => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0));

/**
 * Matches posts to the DOM samples that first showed them. Both lists are in time order and their
 * counts never decrease, so one forward pass does it.
 */
export function latencyStats(posts: readonly Sample[], samples: readonly Sample[]): {latencies: number[]; undelivered: number} {
    const latencies: number[] = [];
    let undelivered = 0;
    let j = 0;
    for (const post of posts) {
        while (j < samples.length && ((samples[j]?.t ?? 0) < post.t || (samples[j]?.chars ?? 0) < post.chars)) j++;
        const sample = samples[j];
        if (sample) latencies.push(sample.t - post.t);
        else undelivered++;
    }
    return {latencies, undelivered};
}

const inPageDriver = `async ({view, turnId, chunks, intervalMs, chunksPerTick}) => {
    const nonWhitespace = (text) => text.replace(/\\s+/g, "").length;
    const send = (message) => window.postMessage(message, "*");
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const selector = '[data-turn-id="' + turnId + '"] ' + (view === "chat" ? ".answer" : ".thought");
    send(view === "chat" ? {type: "turnStarted", turnId, userText: "benchmark", attachments: []} : {type: "turnStarted", turnId, kind: "chat", title: "benchmark"});
    let target = null;
    for (let tries = 0; !target; tries++) {
        if (tries > 400) throw new Error("the view did not show the turn: " + selector);
        await sleep(5);
        target = document.querySelector(selector);
    }
    const samples = [];
    const observer = new MutationObserver(() => samples.push({t: performance.now(), chars: nonWhitespace(target.textContent || "")}));
    observer.observe(target, {childList: true, subtree: true, characterData: true});
    const posts = [];
    let posted = 0;
    const started = performance.now();
    for (let i = 0; i < chunks.length; i += chunksPerTick) {
        for (const text of chunks.slice(i, i + chunksPerTick)) {
            posted += nonWhitespace(text);
            posts.push({t: performance.now(), chars: posted});
            send(view === "chat" ? {type: "answerChunk", turnId, text} : {type: "thoughtChunk", turnId, text, thoughtTokens: 1});
        }
        await sleep(intervalMs);
    }
    const stats = view === "chat"
        ? {thoughtTokens: 0, answerTokens: chunks.length, elapsedMs: performance.now() - started, thoughtCutByBudget: false}
        : {thoughtTokens: chunks.length, elapsedMs: performance.now() - started, tokensPerSecond: 0, thoughtCutByBudget: false};
    send(view === "chat" ? {type: "turnEnded", turnId, stopReason: "eos", stats} : {type: "turnEnded", turnId, stats});
    await sleep(50);
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    observer.disconnect();
    return {posts, samples, rendered: nonWhitespace(target.textContent || ""), totalMs: performance.now() - started};
}`;

interface DriverResult {
    posts: Sample[];
    samples: Sample[];
    rendered: number;
    totalMs: number;
}

export async function measureTokenToDom(target: Page | Frame, options: TokenLatencyOptions = {}): Promise<TokenLatencyResult> {
    const view = options.view ?? "chat";
    const chunks = proseChunks(options.chunks ?? 2000);
    const args = {
        view,
        turnId: options.turnId ?? `bench-${Date.now()}`,
        chunks,
        intervalMs: options.intervalMs ?? 4,
        chunksPerTick: Math.max(1, options.chunksPerTick ?? 1)
    };
    const result = await target.evaluate<DriverResult>(`(${inPageDriver})(${JSON.stringify(args)})`);
    const {latencies, undelivered} = latencyStats(result.posts, result.samples);
    const sorted = [...latencies].sort((a, b) => a - b);
    const postedChars = result.posts.at(-1)?.chars ?? 0;
    const round = (ms: number): number => Math.round(ms * 10) / 10;
    return {
        view,
        chunks: chunks.length,
        postedChars,
        renderedChars: result.rendered,
        droppedChars: postedChars - result.rendered,
        undeliveredChunks: undelivered,
        tokenToDomP50Ms: round(percentile(sorted, 50)),
        tokenToDomP95Ms: round(percentile(sorted, 95)),
        tokenToDomMaxMs: round(sorted.at(-1) ?? 0),
        domUpdates: result.samples.length,
        totalMs: Math.round(result.totalMs)
    };
}
