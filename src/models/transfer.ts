/**
 * One transfer over node-llama-cpp's downloaders, however many file series a model has.
 *
 * Several single-file series are combined with `combineModelDownloaders` (parallel, one progress).
 * A split model's downloader is never combined: in 3.21.1 its parts share an ipull download
 * sequence, combining them again moves their finishing hooks to a second sequence that never runs
 * them, and the parts stay behind as `*.ipull` files. Such series download one after another.
 */
import type {ModelDownloader} from "node-llama-cpp";

export interface TransferFile {
    readonly fileName: string;
    /** As announced by the server. */
    readonly totalSize: number;
}

export interface Transfer {
    readonly totalSize: number;
    readonly downloadedSize: number;
    readonly files: readonly TransferFile[];
    /** Resolves when done or cancelled through `signal` (the caller checks which). */
    download(signal: AbortSignal): Promise<void>;
    /** Closes every stream; partial files stay for a resume. */
    cancel(): Promise<void>;
}

const filesOf = (downloaders: readonly ModelDownloader[]): TransferFile[] =>
    downloaders.flatMap((downloader) => downloader.filesInfo.map(({fileName, totalSize}) => ({fileName, totalSize})));

export async function transferOf(downloaders: readonly ModelDownloader[]): Promise<Transfer> {
    const [only] = downloaders;
    if (downloaders.length === 1 && only != null) {
        return {
            get totalSize() { return only.totalSize; },
            get downloadedSize() { return only.downloadedSize; },
            files: filesOf(downloaders),
            download: async (signal) => { await only.download({signal}); },
            cancel: () => only.cancel()
        };
    }
    if (downloaders.every((downloader) => downloader.totalFiles === 1)) {
        const {combineModelDownloaders} = await import("node-llama-cpp");
        const combined = await combineModelDownloaders([...downloaders], {showCliProgress: false});
        return {
            get totalSize() { return combined.totalSize; },
            get downloadedSize() { return combined.downloadedSize; },
            files: filesOf(downloaders),
            download: async (signal) => { await combined.download({signal}); },
            cancel: () => combined.cancel()
        };
    }
    const sum = (pick: (downloader: ModelDownloader) => number): number => downloaders.reduce((total, downloader) => total + pick(downloader), 0);
    return {
        get totalSize() { return sum((downloader) => downloader.totalSize); },
        get downloadedSize() { return sum((downloader) => downloader.downloadedSize); },
        files: filesOf(downloaders),
        download: async (signal) => {
            for (const downloader of downloaders) {
                if (signal.aborted) return;
                await downloader.download({signal});
            }
        },
        cancel: async () => {
            await Promise.all(downloaders.map((downloader) => downloader.cancel()));
        }
    };
}
