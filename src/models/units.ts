/** Sizes and times as a user reads them. Memory is sold in binary units labelled "GB", so these are too. */
const units = ["B", "KB", "MB", "GB", "TB"];

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
