/**
 * Recognises text that is not source code (a binary file opened as text, or bytes that were not
 * UTF-8): a model asked to continue it wastes time and writes garbage, so no suggestion is offered.
 */

const sampleChars = 4096;
/** More than this share of control or replacement characters means "not text". */
const maxOddShare = 0.1;

function isOdd(code: number): boolean {
    // Tab, line feed, form feed and carriage return are ordinary in source files.
    if (code === 9 || code === 10 || code === 12 || code === 13) return false;
    return code < 32 || code === 127 || code === 0xfffd;
}

/** Looks at up to 4096 characters around `at`: any NUL, or over 10 % control/replacement characters. */
export function looksBinary(text: string, at = 0): boolean {
    const start = Math.max(0, Math.min(at, text.length) - sampleChars / 2);
    const end = Math.min(text.length, start + sampleChars);
    if (end <= start) return false;
    let odd = 0;
    for (let i = start; i < end; i++) {
        const code = text.charCodeAt(i);
        if (code === 0) return true;
        if (isOdd(code)) odd++;
    }
    return odd / (end - start) > maxOddShare;
}
