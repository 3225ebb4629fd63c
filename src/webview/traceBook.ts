/**
 * The one owner of the Reasoning panel's sections. The chat (through ChatPresenter), reviews,
 * inline edits and commit messages all tell it what their thought is doing; it keeps each section
 * (so a panel that is re-created gets everything back) and turns that into the view's messages.
 * The current chat's turns are one group, replaced when another chat is shown; the other sections
 * stay, the most recent `otherLimit` of them.
 */
import type {HostToTrace, TraceKind, TraceStats, TraceTurn} from "./protocol";

/** A turn of the chat shown. */
export interface ChatTraceTurn {
    turnId: string;
    title: string;
    thought: string;
    stats?: TraceStats;
}

interface Section {
    turnId: string;
    kind: TraceKind;
    title: string;
    thought: string;
    stats?: TraceStats;
    /** When its first thought text came (epoch ms): a re-created view's timer goes on from there. */
    thoughtStartedAt?: number;
}

export class TraceBook {
    /** Oldest first, as the panel lists them. */
    private sections: Section[] = [];

    constructor(
        private readonly post: (message: HostToTrace) => void,
        private readonly otherLimit = 50
    ) {}

    /** The panel's view is (again) ready: everything it shows. */
    viewReady(): void {
        this.post({type: "init", turns: this.sections.map(toView)});
    }

    /** Another chat is shown (none: an empty chat): its turns replace the chat's sections. */
    showChat(turns: readonly ChatTraceTurn[]): void {
        const others = this.sections.filter((section) => section.kind !== "chat");
        const shown = turns.map((turn): Section => ({turnId: turn.turnId, kind: "chat", title: turn.title, thought: turn.thought, ...(turn.stats ? {stats: turn.stats} : {})}));
        this.sections = [...shown, ...others];
        this.viewReady();
    }

    /** A section answered again (Regenerate): its thought leaves the panel. */
    drop(turnId: string): void {
        const before = this.sections.length;
        this.sections = this.sections.filter((section) => section.turnId !== turnId);
        if (this.sections.length !== before) this.viewReady();
    }

    start(turnId: string, kind: TraceKind, title: string): void {
        this.sections = this.sections.filter((section) => section.turnId !== turnId);
        this.sections.push({turnId, kind, title, thought: ""});
        this.forgetOldOthers();
        this.post({type: "turnStarted", turnId, kind, title});
    }

    thought(turnId: string, text: string, thoughtTokens: number): void {
        const section = this.find(turnId);
        if (section) {
            section.thought += text;
            if (text !== "") section.thoughtStartedAt ??= Date.now();
        }
        this.post({type: "thoughtChunk", turnId, text, thoughtTokens});
    }

    end(turnId: string, stats: TraceStats): void {
        const section = this.find(turnId);
        if (section) section.stats = stats;
        this.post({type: "turnEnded", turnId, stats});
    }

    /** The thought of a section, for the panel's Copy button (undefined: the section is gone). */
    thoughtOf(turnId: string): string | undefined {
        return this.find(turnId)?.thought;
    }

    private find(turnId: string): Section | undefined {
        return this.sections.find((section) => section.turnId === turnId);
    }

    private forgetOldOthers(): void {
        let excess = this.sections.filter((section) => section.kind !== "chat").length - this.otherLimit;
        if (excess <= 0) return;
        this.sections = this.sections.filter((section) => section.kind === "chat" || excess-- <= 0);
    }
}

function toView(section: Section): TraceTurn {
    return {
        turnId: section.turnId,
        kind: section.kind,
        title: section.title,
        thought: section.thought,
        ...(section.stats ? {stats: section.stats} : {}),
        ...(section.stats === undefined && section.thoughtStartedAt !== undefined ? {thoughtStartedAt: section.thoughtStartedAt} : {})
    };
}
