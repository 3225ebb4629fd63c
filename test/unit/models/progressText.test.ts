import assert from "node:assert/strict";
import type { DownloadProgress } from "../../../src/models/downloadProtocol";
import { ProgressMeter } from "../../../src/models/downloadProgress";
import { CombinedProgress, ProgressIncrements, downloadedMessage, formatDownloadProgress } from "../../../src/provider/models/progressText";

// File sizes read in decimal units, as Hugging Face shows them.
const MB = 1000 ** 2;
const GB = 1000 ** 3;

function downloading(downloadedBytes: number, totalBytes: number, bytesPerSecond: number, secondsLeft?: number): DownloadProgress {
    return { phase: "downloading", downloadedBytes, totalBytes, bytesPerSecond, secondsLeft };
}

describe("download progress text", () => {
    it("shows bytes of total, speed and time left", () => {
        assert.equal(formatDownloadProgress(downloading(312 * MB, 1.1 * GB, 24 * MB, 35)), "312 MB of 1.1 GB · 24 MB/s · 35 s left");
        assert.equal(formatDownloadProgress(downloading(2 * GB, 4.4 * GB, 5.5 * MB, 460)), "2 GB of 4.4 GB · 5.5 MB/s · 7 min 40 s left");
    });

    it("leaves out speed and time left until they are known, and time left once done", () => {
        assert.equal(formatDownloadProgress(downloading(0, 100 * MB, 0)), "0 B of 100 MB");
        assert.equal(formatDownloadProgress(downloading(100 * MB, 100 * MB, 10 * MB, 0)), "100 MB of 100 MB · 10 MB/s");
        assert.equal(formatDownloadProgress(downloading(0, 0, 0)), "Starting…");
    });

    it("names the phases before and after the transfer", () => {
        assert.equal(formatDownloadProgress({ phase: "checking", downloadedBytes: 0, totalBytes: 0, bytesPerSecond: 0 }), "Connecting to the server…");
        assert.match(formatDownloadProgress({ phase: "verifying", downloadedBytes: GB, totalBytes: GB, bytesPerSecond: 0, secondsLeft: 0 }), /^Checking the downloaded file \(1 GB\)/);
    });

    it("reads a real meter's output: resumed bytes count from the start, speed from the window", () => {
        let now = 0;
        const meter = new ProgressMeter(5000, () => now);
        meter.update(200 * MB, 1000 * MB); // resumed from a partial file
        now = 4000;
        const text = formatDownloadProgress(meter.update(300 * MB, 1000 * MB));
        // 100 MB in 4 s = 25 MB/s; 700 MB left → 28 s.
        assert.equal(text, "300 MB of 1 GB · 25 MB/s · 28 s left");
    });
});

describe("progress increments", () => {
    it("turn positions into increments that never go back and add up to 100", () => {
        const increments = new ProgressIncrements();
        const steps = [0, 250, 200, 500, 1000].map((bytes) => increments.next(downloading(bytes, 1000, 1)));
        assert.deepEqual(steps, [0, 25, 0, 25, 50]);
        assert.equal(steps.reduce((sum, step) => sum + step, 0), 100);
        assert.equal(increments.next({ phase: "verifying", downloadedBytes: 1000, totalBytes: 1000, bytesPerSecond: 0 }), 0);
    });

    it("ignores the checking phase and an unknown total", () => {
        const increments = new ProgressIncrements();
        assert.equal(increments.next({ phase: "checking", downloadedBytes: 0, totalBytes: 0, bytesPerSecond: 0 }), 0);
        assert.equal(increments.next(downloading(10, 0, 0)), 0);
    });

    it("serve any position out of a total (an import's bytes copied), capped at 100", () => {
        const increments = new ProgressIncrements();
        assert.deepEqual([0, 40, 30, 100, 120].map((copied) => increments.advance(copied, 100)), [0, 40, 0, 60, 0]);
        assert.equal(increments.advance(5, 0), 0);
    });
});

describe("one progress for several downloads", () => {
    const items = [{ label: "R1 7B", nominalBytes: 800 * MB }, { label: "Coder 0.5B", nominalBytes: 200 * MB }];

    it("counts bytes of the whole, takes the real size when the server tells it, and says which model is under way", () => {
        const combined = new CombinedProgress(items);
        const first = combined.update(0, downloading(400 * MB, 800 * MB, 20 * MB, 20));
        assert.equal(first.message, "R1 7B (1 of 2) · 400 MB of 1 GB · 20 MB/s · 30 s left");
        assert.equal(first.overall.downloadedBytes, 400 * MB);
        // The coder really is 300 MB; the first download counts as complete whatever its last report said.
        const second = combined.update(1, downloading(100 * MB, 300 * MB, 10 * MB, 20));
        assert.equal(second.message, "Coder 0.5B (2 of 2) · 900 MB of 1.1 GB · 10 MB/s · 20 s left");
        assert.deepEqual([second.overall.downloadedBytes, second.overall.totalBytes], [900 * MB, 1100 * MB]);
        assert.equal(combined.update(1, { phase: "checking", downloadedBytes: 0, totalBytes: 0, bytesPerSecond: 0 }).message, "Coder 0.5B (2 of 2) · Connecting to the server…");
    });

    it("gives one percentage that runs once from 0 to 100 across both downloads", () => {
        const combined = new CombinedProgress(items);
        const increments = new ProgressIncrements();
        const steps = [
            combined.update(0, downloading(400 * MB, 800 * MB, 1)),
            combined.update(0, downloading(800 * MB, 800 * MB, 1)),
            combined.update(1, downloading(0, 200 * MB, 1)),
            combined.update(1, downloading(200 * MB, 200 * MB, 1))
        ].map((step) => increments.next(step.overall));
        assert.deepEqual(steps, [40, 40, 0, 20]);
    });

    it("reads a single download exactly as before", () => {
        const combined = new CombinedProgress([items[0] ?? { label: "", nominalBytes: 0 }]);
        const progress = downloading(300 * MB, 1000 * MB, 25 * MB, 28);
        assert.deepEqual(combined.update(0, progress), { overall: progress, message: formatDownloadProgress(progress) });
    });

    it("says the downloads are ready naming each model once, with what it is used for", () => {
        assert.equal(downloadedMessage([{label: "DeepSeek-R1-Distill-Qwen 1.5B", role: "chat"}, {label: "Qwen2.5-Coder 0.5B", role: "completion"}]),
            "Ready: Enclave uses DeepSeek-R1-Distill-Qwen 1.5B for chat and Qwen2.5-Coder 0.5B for completions; they load when you first need them.");
        assert.equal(downloadedMessage([{label: "nomic-embed-text-v1.5", role: "embedding"}]),
            "Ready: Enclave uses nomic-embed-text-v1.5 for re-ranking the workspace search; it loads when you first need it.");
    });
});
