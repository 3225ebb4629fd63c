/**
 * Sizes and times as a user reads them. Two conventions, as the user meets them elsewhere:
 * memory (RAM, GPU memory, the model process) is sold in binary units labelled "GB", so
 * `formatBytes` is binary; files and disks are shown by Hugging Face, browsers and file managers in
 * decimal units, so `formatFileSize` is decimal and a download reads the size its page shows.
 */
const units = ["B", "KB", "MB", "GB", "TB"];

/** Memory: binary units labelled "GB" (16 GB of RAM is 16 × 1024³ bytes). */
export function formatBytes(bytes: number): string {
    let value = bytes;
    let unit = 0;
    while (Math.abs(value) >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    // One decimal at most: "16 GB", "4.7 GB".
    const rounded = unit === 0 ? Math.round(value) : Math.round(value * 10) / 10;
    return `${rounded} ${units[unit]}`;
}

/** Files, downloads and disks: decimal units, three significant digits as Hugging Face shows them ("1.89 GB", "15.7 GB"). */
export function formatFileSize(bytes: number): string {
    let value = bytes;
    let unit = 0;
    while (Math.abs(value) >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit++;
    }
    if (unit === 0) return `${Math.round(value)} B`;
    // Three significant digits, trailing zeros dropped; a value that rounds up to 1000 moves up a unit.
    let shown = Number(value.toPrecision(3));
    if (shown >= 1000 && unit < units.length - 1) {
        shown = Number((value / 1000).toPrecision(3));
        unit++;
    }
    return `${shown} ${units[unit]}`;
}

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

export function formatDuration(seconds: number): string {
    if (!Number.isFinite(seconds)) return "unknown";
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${s % 60} s`;
    return `${Math.floor(m / 60)} h ${m % 60} min`;
}
