/**
 * Download progress as one line of a progress notification: "312 MB of 1.1 GB · 24 MB/s · 35 s left".
 * Plain logic (no vscode import) so it is unit-tested.
 */
import type {DownloadProgress} from "../../models/downloadProgress";
import {formatBytes, formatDuration} from "../../models/units";

export function formatDownloadProgress(progress: DownloadProgress): string {
    switch (progress.phase) {
        case "checking":
            return "Connecting to the server…";
        case "verifying":
            return `Checking the downloaded file (${formatBytes(progress.totalBytes)})…`;
        case "downloading": {
            if (progress.totalBytes <= 0) return "Starting…";
            const parts = [`${formatBytes(progress.downloadedBytes)} of ${formatBytes(progress.totalBytes)}`];
            if (progress.bytesPerSecond > 0) parts.push(`${formatBytes(progress.bytesPerSecond)}/s`);
            // No estimate until a speed is known: a made-up number is worse than none.
            if (progress.secondsLeft !== undefined && progress.downloadedBytes < progress.totalBytes) parts.push(`${formatDuration(progress.secondsLeft)} left`);
            return parts.join(" · ");
        }
    }
}

/**
 * VS Code's progress takes increments (percent added since the last report), not positions; this
 * turns positions into increments that never go backwards and never pass 100 in total.
 */
export class ProgressIncrements {
    private reported = 0;

    /** A download's position (nothing while it is still connecting). */
    next(progress: DownloadProgress): number {
        return progress.phase === "checking" ? 0 : this.advance(progress.downloadedBytes, progress.totalBytes);
    }

    /** `done` of `total` (bytes copied, say); nothing while the total is unknown. */
    advance(done: number, total: number): number {
        if (total <= 0) return 0;
        const percent = Math.min(100, (100 * done) / total);
        const increment = Math.max(0, percent - this.reported);
        this.reported += increment;
        return increment;
    }
}
