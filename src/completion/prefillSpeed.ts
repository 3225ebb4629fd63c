/**
 * How fast the model reads a prompt on this machine, learned from the engine's answers, and the
 * prompt size that follows from it. On a laptop CPU a prompt of a few thousand tokens takes tens of
 * seconds to read cold (after a jump, a new file, a window move); a prompt sized so that it is read
 * in `coldReadMs` keeps the first suggestion at a new place within reach, while a fast machine is
 * limited only by the token budgets.
 *
 * The cap changes rarely and in steps: every change resizes the prompt window, which costs one cold
 * prompt, so a small drift in the measured speed must not move it.
 */

export interface PrefillSpeedOptions {
    /** How long reading a whole prompt cold may take. Default 20 s. */
    coldReadMs?: number;
    /** Never cap prompts below this many tokens. Default 768. */
    minTokens?: number;
    /** Evaluations shorter than this say more about overhead than speed. Default 64 tokens. */
    minSample?: number;
    /** The cap moves only when the speed says it should change by more than this share. Default 0.3. */
    hysteresis?: number;
}

export class PrefillSpeed {
    private tokensPerSecond: number | undefined;
    private cap: number | undefined;
    private readonly options: Required<PrefillSpeedOptions>;

    constructor(options: PrefillSpeedOptions = {}) {
        this.options = {coldReadMs: options.coldReadMs ?? 20_000, minTokens: options.minTokens ?? 768, minSample: options.minSample ?? 64, hysteresis: options.hysteresis ?? 0.3};
    }

    /** Tokens per second measured so far (undefined before a large enough sample). */
    get speed(): number | undefined {
        return this.tokensPerSecond;
    }

    /** The most prompt tokens (real, the model's own) to send; undefined until the speed is known. */
    get promptTokenCap(): number | undefined {
        return this.cap;
    }

    /** One evaluation: `tokens` read in `ms`. */
    record(tokens: number, ms: number | undefined): void {
        if (ms == null || ms <= 0 || tokens < this.options.minSample) return;
        const speed = (tokens * 1000) / ms;
        this.tokensPerSecond = this.tokensPerSecond == null ? speed : this.tokensPerSecond * 0.8 + speed * 0.2;
        const wanted = Math.max(this.options.minTokens, Math.floor((this.tokensPerSecond * this.options.coldReadMs) / 1000));
        if (this.cap == null || Math.abs(wanted - this.cap) > this.cap * this.options.hysteresis) this.cap = wanted;
    }

    reset(): void {
        this.tokensPerSecond = undefined;
        this.cap = undefined;
    }
}
