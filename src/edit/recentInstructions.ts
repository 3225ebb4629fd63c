/**
 * The instructions used lately, newest first, without repeats: the instruction box offers them
 * one key away. The owner persists `list` (VS Code's global state); entries read back are checked,
 * since stored state may be old or hand-edited.
 */
export const maxRecentInstructions = 10;
const maxInstructionLength = 500;

export class RecentInstructions {
    private items: string[];

    constructor(stored: unknown, private readonly max = maxRecentInstructions) {
        const valid = Array.isArray(stored) ? stored.filter((item): item is string => typeof item === "string").map(normalize).filter((item) => item !== "") : [];
        this.items = [...new Set(valid)].slice(0, max);
    }

    get list(): readonly string[] {
        return this.items;
    }

    /** Puts `instruction` first (moving it up when it was there already); blank ones are ignored. */
    add(instruction: string): void {
        const item = normalize(instruction);
        if (item === "") return;
        this.items = [item, ...this.items.filter((other) => other !== item)].slice(0, this.max);
    }
}

function normalize(instruction: string): string {
    return instruction.replace(/\s+/g, " ").trim().slice(0, maxInstructionLength);
}
