/**
 * `hf:` model URIs as node-llama-cpp reads them, turned into the HTTP URLs it will request, so the
 * reachability check asks the same server for the same file before the downloader starts.
 *   hf:<user>/<repo>/<path/to/file.gguf>[#<branch>]   a file
 *   hf:<user>/<repo>:<tag>                            a quantisation, resolved through the manifest
 */
export const defaultHuggingFaceEndpoint = "https://huggingface.co/";

export type HfUri =
    | {readonly kind: "file"; readonly user: string; readonly repo: string; readonly path: string; readonly branch: string}
    | {readonly kind: "tag"; readonly user: string; readonly repo: string; readonly tag: string};

export function parseHfUri(uri: string): HfUri {
    const match = /^(?:hf:|huggingface:|hf:\/\/)([^/]+)\/([^/]+)(?:\/(.+))?$/.exec(uri.trim());
    if (match == null) throw new Error(`Not a Hugging Face model URI: ${uri}`);
    const [, user = "", repoPart = "", rest] = match;
    if (rest == null || rest === "") {
        const [repo = "", tag = "latest"] = repoPart.split(":");
        return {kind: "tag", user, repo, tag};
    }
    const hash = rest.indexOf("#");
    const path = hash < 0 ? rest : rest.slice(0, hash);
    const branch = hash < 0 || hash === rest.length - 1 ? "main" : rest.slice(hash + 1);
    return {kind: "file", user, repo: repoPart, path, branch};
}

function withSlash(endpoint: string): string {
    return endpoint.endsWith("/") ? endpoint : `${endpoint}/`;
}

const encodePath = (path: string): string => path.split("/").map(encodeURIComponent).join("/");

/** The URL the downloader fetches a file from. */
export function fileUrl(uri: HfUri & {kind: "file"}, endpoint = defaultHuggingFaceEndpoint): string {
    return `${withSlash(endpoint)}${encodeURIComponent(uri.user)}/${encodeURIComponent(uri.repo)}/resolve/${encodeURIComponent(uri.branch)}/${encodePath(uri.path)}`;
}

/** The manifest that resolves a tag to a file name. */
export function manifestUrl(uri: HfUri & {kind: "tag"}, endpoint = defaultHuggingFaceEndpoint): string {
    return `${withSlash(endpoint)}v2/${encodeURIComponent(uri.user)}/${encodeURIComponent(uri.repo)}/manifests/${encodeURIComponent(uri.tag)}`;
}

/** The file name at the end of a URI or path. */
export function baseName(uriOrPath: string): string {
    const clean = uriOrPath.replace(/[#?].*$/, "");
    return clean.slice(Math.max(clean.lastIndexOf("/"), clean.lastIndexOf("\\")) + 1);
}

export interface SplitPart {
    /** Everything before `-0000k-of-0000n.gguf`. */
    readonly stem: string;
    readonly part: number;
    readonly parts: number;
}

const splitPattern = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/** Whether a file name is one part of a split GGUF, and which. */
export function splitPartOf(fileName: string): SplitPart | undefined {
    const match = splitPattern.exec(fileName);
    if (match == null) return undefined;
    const part = Number(match[2]);
    const parts = Number(match[3]);
    if (part < 1 || parts < 1 || part > parts) return undefined;
    return {stem: match[1] ?? "", part, parts};
}

/** The file names of every part of the split model `part` belongs to. */
export function splitPartNames(part: SplitPart): string[] {
    const width = (n: number): string => String(n).padStart(5, "0");
    return Array.from({length: part.parts}, (_, i) => `${part.stem}-${width(i + 1)}-of-${width(part.parts)}.gguf`);
}
