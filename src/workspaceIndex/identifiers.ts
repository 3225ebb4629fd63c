/**
 * The words of code, as the lexical index sees them: an identifier counts as itself and as its
 * parts, so "parseGGUFHeader" is found by "parse", "gguf", "header" and by "parseggufheader", and a
 * question in plain words ("where is the GGUF header parsed?") meets the code that does it.
 * The index and its queries use this one tokenizer.
 */

/** Runs of letters and digits (any script); everything else separates. */
const wordPattern = /[\p{L}\p{N}_$]+/gu;
/** Boundaries inside an identifier: lower→Upper, UPPER→Upper+lower ("GGUFHeader" → "GGUF", "Header"), letter↔digit. */
const partPattern = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|\p{L}+/gu;

/** Longest term kept: a longer run is a hash, base64 or minified noise, not a word anyone asks for. */
const maxTermLength = 40;

/** Words so common in code and questions that they only add noise to the ranking. */
const stopWords = new Set([
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "has", "have", "how", "i", "if", "in", "is",
    "it", "its", "of", "on", "or", "so", "that", "the", "this", "to", "was", "we", "what", "when", "where", "which", "who",
    "why", "will", "with", "you", "can", "there", "these", "those", "then", "than", "into", "not", "no", "my", "me"
]);

/** The parts of one identifier, lower case ("parse_GGUF_header2" → parse, gguf, header, 2). */
export function identifierParts(identifier: string): string[] {
    const parts: string[] = [];
    for (const piece of identifier.split(/[_$]+/)) for (const match of piece.matchAll(partPattern)) parts.push(match[0].toLowerCase());
    return parts;
}

/** The terms of a text: each word lower-cased, then its parts when it has more than one. */
export function codeTerms(text: string): string[] {
    const terms: string[] = [];
    for (const match of text.matchAll(wordPattern)) {
        const word = match[0];
        if (word.length > maxTermLength) continue;
        const whole = word.toLowerCase().replace(/^[_$]+|[_$]+$/g, "");
        if (whole.length > 1 && !stopWords.has(whole)) terms.push(whole);
        const parts = identifierParts(word);
        if (parts.length > 1) for (const part of parts) if (part.length > 1 && part !== whole && !stopWords.has(part)) terms.push(part);
    }
    return terms;
}
