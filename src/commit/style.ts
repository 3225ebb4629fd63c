/**
 * How a repository writes its commit subjects, read from its recent `git log`: conventional
 * commits (`feat(parser): …`) or not, and a few real subjects for the model to imitate.
 */

export interface CommitStyle {
    conventional: boolean;
    /** Types seen (feat, fix, …), most used first; empty when not conventional. */
    types: string[];
    /** Recent subjects, newest first, shown to the model as examples. */
    examples: string[];
}

/** Subjects read from the log; enough to see a habit, few enough to keep the prompt short. */
export const subjectsToRead = 20;
const examplesShown = 5;

/** `type(scope)!: description` — type a word, scope optional, `!` for breaking changes. */
const conventionalSubject = /^([a-z][a-z0-9-]*)(\([^()\n]+\))?!?: \S/i;

/**
 * Conventional when most recent subjects (at least 3 of them, and over half) follow the form: one
 * stray "Merge …" or "WIP" does not hide the habit, and two lucky matches do not make one.
 */
export function detectStyle(subjects: readonly string[]): CommitStyle {
    const examples = subjects.slice(0, examplesShown);
    const types = new Map<string, number>();
    for (const subject of subjects) {
        const match = conventionalSubject.exec(subject);
        if (match?.[1]) types.set(match[1].toLowerCase(), (types.get(match[1].toLowerCase()) ?? 0) + 1);
    }
    const matching = [...types.values()].reduce((sum, count) => sum + count, 0);
    const conventional = matching >= 3 && matching / subjects.length > 0.5;
    return {
        conventional,
        types: conventional ? [...types.entries()].sort((a, b) => b[1] - a[1]).map(([type]) => type) : [],
        examples
    };
}
