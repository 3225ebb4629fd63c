/**
 * Download progress as the UI shows it: bytes never go backwards (the downloader's own count dips
 * when a stream restarts a chunk), speed is averaged over the last few seconds, and the time left
 * follows from both.
 */
import type {DownloadPhase, DownloadProgress} from "./downloadProtocol";

interface Sample {
    readonly at: number;
    readonly bytes: number;
}

export class ProgressMeter {
    private downloaded = 0;
    private total = 0;
    private readonly samples: Sample[] = [];

    constructor(
        private readonly windowMs = 5000,
        private readonly now: () => number = () => performance.now()
    ) {}

    /** Feed the downloader's counters; returns what to show. */
    update(downloadedBytes: number, totalBytes: number, phase: DownloadPhase = "downloading"): DownloadProgress {
        this.total = Math.max(this.total, totalBytes);
        this.downloaded = Math.max(this.downloaded, Math.min(downloadedBytes, this.total));
        const at = this.now();
        this.samples.push({at, bytes: this.downloaded});
        // Keep one sample at or before the window's start, so the speed spans the whole window.
        while (this.samples.length > 2 && (this.samples[1]?.at ?? at) <= at - this.windowMs) this.samples.shift();
        return this.current(phase);
    }

    current(phase: DownloadPhase): DownloadProgress {
        const first = this.samples[0];
        const last = this.samples[this.samples.length - 1];
        const elapsed = first != null && last != null ? (last.at - first.at) / 1000 : 0;
        const bytesPerSecond = first != null && last != null && elapsed > 0 ? (last.bytes - first.bytes) / elapsed : 0;
        const remaining = Math.max(0, this.total - this.downloaded);
        const secondsLeft = remaining === 0 ? 0 : bytesPerSecond > 0 ? remaining / bytesPerSecond : undefined;
        return {phase, downloadedBytes: this.downloaded, totalBytes: this.total, bytesPerSecond, secondsLeft};
    }

    /** Everything done: downloaded = total. */
    complete(phase: DownloadPhase): DownloadProgress {
        this.downloaded = this.total;
        return this.current(phase);
    }
}
