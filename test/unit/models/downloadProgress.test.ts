import assert from "node:assert/strict";
import { ProgressMeter } from "../../../src/models/downloadProgress";

describe("download progress", () => {
    it("never goes backwards, even when the downloader's count dips", () => {
        let now = 0;
        const meter = new ProgressMeter(5000, () => now);
        const shown = [100, 300, 250, 400, 390, 1000].map((bytes) => {
            now += 1000;
            return meter.update(bytes, 1000).downloadedBytes;
        });
        assert.deepEqual(shown, [100, 300, 300, 400, 400, 1000]);
    });

    it("averages speed over the last seconds and derives the time left", () => {
        let now = 0;
        const meter = new ProgressMeter(5000, () => now);
        for (let second = 0; second <= 10; second++) {
            now = second * 1000;
            meter.update(second < 5 ? second * 1000 : 5000 + (second - 5) * 3000, 100_000);
        }
        const progress = meter.current("downloading");
        // The last five seconds ran at 3,000 B/s: the slow start no longer counts.
        assert.equal(Math.round(progress.bytesPerSecond), 3000);
        assert.equal(Math.round(progress.secondsLeft ?? 0), Math.round((100_000 - 20_000) / 3000));
    });

    it("has no time left before a speed is known, and reaches the total when complete", () => {
        const meter = new ProgressMeter();
        assert.equal(meter.update(0, 500).secondsLeft, undefined);
        const done = meter.complete("verifying");
        assert.equal(done.downloadedBytes, 500);
        assert.equal(done.secondsLeft, 0);
        assert.equal(done.phase, "verifying");
    });

    it("never shows more than the total", () => {
        assert.equal(new ProgressMeter().update(700, 500).downloadedBytes, 500);
    });
});
