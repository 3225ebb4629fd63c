import assert from "node:assert/strict";
import { formatBytes, formatDuration } from "../../../src/models/units";

describe("units", () => {
    it("formats sizes in binary units with at most one decimal", () => {
        assert.equal(formatBytes(16 * 1024 ** 3), "16 GB");
        assert.equal(formatBytes(4.7 * 1024 ** 3), "4.7 GB");
        assert.equal(formatBytes(512), "512 B");
        assert.equal(formatBytes(1536), "1.5 KB");
    });

    it("formats durations", () => {
        assert.equal(formatDuration(42.4), "42 s");
        assert.equal(formatDuration(125), "2 min 5 s");
        assert.equal(formatDuration(3 * 3600 + 120), "3 h 2 min");
        assert.equal(formatDuration(Infinity), "unknown");
    });
});
