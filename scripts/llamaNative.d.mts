/** Types of llamaNative.mjs (plain JavaScript so that it runs before anything is built). */
export interface LlamaNativeBinaries {
    server: string;
    bench: string;
}
export function ensureLlamaNative(options?: {log?: (line: string) => void}): Promise<LlamaNativeBinaries>;
