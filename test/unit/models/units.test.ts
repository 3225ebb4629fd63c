import assert from "node:assert/strict";
import { formatBytes, formatDuration, formatFileSize } from "../../../src/models/units";

describe("units", () => {
    it("formats sizes in binary units with at most one decimal", () => {
        assert.equal(formatBytes(16 * 1024 ** 3), "16 GB");
        assert.equal(formatBytes(4.7 * 1024 ** 3), "4.7 GB");
        assert.equal(formatBytes(512), "512 B");
        assert.equal(formatBytes(1536), "1.5 KB");
    });

    it("formats file sizes in decimal units with three significant digits, as Hugging Face shows them", () => {
        // DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf: 1,894,532,128 bytes; Hugging Face shows "1.89 GB".
        assert.equal(formatFileSize(1_894_532_128), "1.89 GB");
        assert.equal(formatFileSize(15_700_000_000), "15.7 GB");
        assert.equal(formatFileSize(4_000_000_000), "4 GB");
        assert.equal(formatFileSize(999_999_999), "1 GB");
        assert.equal(formatFileSize(134_000_000), "134 MB");
        assert.equal(formatFileSize(999), "999 B");
        assert.equal(formatFileSize(1000), "1 KB");
    });

    it("formats durations", () => {
        assert.equal(formatDuration(42.4), "42 s");
        assert.equal(formatDuration(125), "2 min 5 s");
        assert.equal(formatDuration(3 * 3600 + 120), "3 h 2 min");
        assert.equal(formatDuration(Infinity), "unknown");
    });
});
