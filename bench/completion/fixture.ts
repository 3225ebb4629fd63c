/**
 * Deterministic TypeScript for the completion benchmark: a realistic source file of well over 1500
 * lines (shared types, helpers, then per entity an interface, a repository class, a service class
 * and free functions, all with comments), and smaller "other files" whose chunks go into the
 * context ring. Generated rather than checked in so that its size and shape are easy to change, and
 * seeded so that every run types into the same text.
 */
import {Rng} from "./random";

type FieldType = "string" | "number" | "boolean" | "Date" | "Status" | "Currency" | "Region" | "readonly string[]" | "string | undefined";

interface Field {
    name: string;
    type: FieldType;
}

const fieldPool: readonly Field[] = [
    {name: "name", type: "string"},
    {name: "title", type: "string"},
    {name: "email", type: "string"},
    {name: "ownerId", type: "string"},
    {name: "notes", type: "string | undefined"},
    {name: "createdAt", type: "Date"},
    {name: "updatedAt", type: "Date"},
    {name: "dueAt", type: "Date"},
    {name: "status", type: "Status"},
    {name: "currency", type: "Currency"},
    {name: "region", type: "Region"},
    {name: "total", type: "number"},
    {name: "quantity", type: "number"},
    {name: "priority", type: "number"},
    {name: "weightKg", type: "number"},
    {name: "score", type: "number"},
    {name: "active", type: "boolean"},
    {name: "archived", type: "boolean"},
    {name: "tags", type: "readonly string[]"}
];

/** The entities of the main file; the typing script refers to some of them by name. */
export const mainEntities = [
    "Order", "Customer", "Product", "Invoice", "Shipment", "Supplier", "Warehouse",
    "Payment", "Discount", "Review", "Refund", "Coupon", "Carrier", "Category"
] as const;

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);
const words = (name: string): string => name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
const article = (word: string): string => (/^[aeiou]/i.test(word) ? "an" : "a");

function header(moduleName: string): string[] {
    return [
        "/**",
        ` * ${moduleName}: entities, repositories and services of the store back office.`,
        " * Repositories keep items in memory and know nothing about validation; services validate,",
        " * publish events and own the business rules. Everything here is synchronous on purpose:",
        " * persistence happens in the outbox worker, which replays the published events.",
        " */",
        "import {EventEmitter} from \"node:events\";",
        "import {randomUUID} from \"node:crypto\";",
        "",
        "export type Status = \"draft\" | \"active\" | \"archived\";",
        "export type Currency = \"EUR\" | \"USD\" | \"GBP\" | \"CHF\";",
        "export type Region = \"eu-west\" | \"eu-central\" | \"us-east\" | \"ap-south\";",
        "",
        "export interface Page<T> {",
        "    items: T[];",
        "    total: number;",
        "}",
        "",
        "export interface PageRequest {",
        "    offset: number;",
        "    limit: number;",
        "}",
        "",
        "export interface Clock {",
        "    now(): Date;",
        "}",
        "",
        "export const systemClock: Clock = {now: () => new Date()};",
        "",
        "/** Thrown by services when input breaks a rule; `problems` lists every broken rule, not just the first. */",
        "export class ValidationError extends Error {",
        "    constructor(readonly entity: string, readonly problems: readonly string[]) {",
        "        super(`${entity} is invalid: ${problems.join(\"; \")}`);",
        "        this.name = \"ValidationError\";",
        "    }",
        "}",
        "",
        "export function clamp(value: number, min: number, max: number): number {",
        "    return Math.min(max, Math.max(min, value));",
        "}",
        "",
        "/** Groups items by a key, keeping the order in which keys first appear. */",
        "export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {",
        "    const groups = new Map<K, T[]>();",
        "    for (const item of items) {",
        "        const k = key(item);",
        "        const group = groups.get(k);",
        "        if (group) group.push(item);",
        "        else groups.set(k, [item]);",
        "    }",
        "    return groups;",
        "}",
        "",
        "export function formatMoney(amount: number, currency: Currency): string {",
        "    return new Intl.NumberFormat(\"en\", {style: \"currency\", currency}).format(amount);",
        "}",
        "",
        "export function daysBetween(a: Date, b: Date): number {",
        "    return Math.round((b.getTime() - a.getTime()) / 86_400_000);",
        "}",
        ""
    ];
}

function validationLines(field: Field, entity: string): string[] {
    const access = `item.${field.name}`;
    switch (field.type) {
        case "string":
            return [`    if (${access} !== undefined && ${access}.trim() === "") problems.push("${words(field.name)} must not be empty");`];
        case "number":
            return [
                `    if (${access} !== undefined && !Number.isFinite(${access})) problems.push("${words(field.name)} must be a number");`,
                `    else if (${access} !== undefined && ${access} < 0) problems.push("${words(field.name)} must not be negative");`
            ];
        case "Date":
            return [`    if (${access} !== undefined && Number.isNaN(${access}.getTime())) problems.push("${words(field.name)} is not a valid date");`];
        case "readonly string[]":
            return [`    if (${access} !== undefined && ${access}.length > 32) problems.push("${article(entity)} ${words(entity)} has at most 32 ${field.name}");`];
        case "Status":
            return [`    if (${access} !== undefined && !["draft", "active", "archived"].includes(${access})) problems.push("unknown status");`];
        default:
            return [];
    }
}

function compareLines(fields: readonly Field[]): string[] {
    const sortable = fields.filter((field) => field.type === "string" || field.type === "number" || field.type === "Date");
    const lines: string[] = [];
    for (const field of sortable.slice(0, 2)) {
        const expression = field.type === "string"
            ? `a.${field.name}.localeCompare(b.${field.name})`
            : field.type === "number"
                ? `a.${field.name} - b.${field.name}`
                : `a.${field.name}.getTime() - b.${field.name}.getTime()`;
        lines.push(`    const by${field.name.charAt(0).toUpperCase()}${field.name.slice(1)} = ${expression};`);
        lines.push(`    if (by${field.name.charAt(0).toUpperCase()}${field.name.slice(1)} !== 0) return by${field.name.charAt(0).toUpperCase()}${field.name.slice(1)};`);
    }
    lines.push("    return a.id.localeCompare(b.id);");
    return lines;
}

function formatExpression(field: Field): string {
    switch (field.type) {
        case "Date":
            return `\${item.${field.name}.toISOString().slice(0, 10)}`;
        case "readonly string[]":
            return `\${item.${field.name}.join(", ")}`;
        case "number":
            return `\${item.${field.name}.toFixed(2)}`;
        case "string | undefined":
            return `\${item.${field.name} ?? "-"}`;
        default:
            return `\${String(item.${field.name})}`;
    }
}

function entityLines(entity: string, rng: Rng): string[] {
    const fields = rng.sample(fieldPool, rng.int(6, 9));
    const variable = lowerFirst(entity);
    const idType = `${entity}Id`;
    const hasStatus = fields.some((field) => field.type === "Status");
    const hasUpdatedAt = fields.some((field) => field.name === "updatedAt");
    const numeric = fields.filter((field) => field.type === "number");
    const lookups = fields.filter((field) => field.type === "string" || field.type === "Region" || field.type === "Currency").slice(0, 2);
    const out: string[] = [
        "// ---------------------------------------------------------------------------",
        `// ${entity}`,
        "// ---------------------------------------------------------------------------",
        "",
        `export type ${idType} = string & {readonly __brand: "${idType}"};`,
        "",
        `/** ${article(entity) === "an" ? "An" : "A"} ${words(entity)} as the back office stores it. */`,
        `export interface ${entity} {`,
        `    id: ${idType};`,
        ...fields.map((field) => `    ${field.name}: ${field.type};`),
        "}",
        "",
        `export type ${entity}Input = Omit<${entity}, "id">;`,
        "",
        `/** Keeps ${words(entity)}s in memory, indexed by id. Validation is the service's job. */`,
        `export class ${entity}Repository {`,
        `    private readonly items = new Map<${idType}, ${entity}>();`,
        "    private revision = 0;",
        "",
        "    constructor(private readonly clock: Clock = systemClock) {}",
        "",
        "    /** Grows with every change, so callers can tell whether a cached listing is still fresh. */",
        "    get version(): number {",
        "        return this.revision;",
        "    }",
        "",
        `    findById(id: ${idType}): ${entity} | undefined {`,
        "        return this.items.get(id);",
        "    }",
        "",
        `    findAll(page: PageRequest = {offset: 0, limit: 50}): Page<${entity}> {`,
        `        const all = [...this.items.values()].sort(compare${entity});`,
        "        return {items: all.slice(page.offset, page.offset + page.limit), total: all.length};",
        "    }",
        ""
    ];
    for (const field of lookups) {
        const method = `findBy${field.name.charAt(0).toUpperCase()}${field.name.slice(1)}`;
        out.push(
            `    ${method}(${field.name}: ${field.type}): ${entity}[] {`,
            `        const found: ${entity}[] = [];`,
            "        for (const item of this.items.values()) {",
            `            if (item.${field.name} === ${field.name}) found.push(item);`,
            "        }",
            "        return found;",
            "    }",
            ""
        );
    }
    out.push(
        `    save(item: ${entity}): ${entity} {`,
        hasUpdatedAt ? "        const stored = {...item, updatedAt: this.clock.now()};" : "        const stored = {...item};",
        "        this.items.set(item.id, stored);",
        "        this.revision++;",
        "        return stored;",
        "    }",
        "",
        `    remove(id: ${idType}): boolean {`,
        "        const removed = this.items.delete(id);",
        "        if (removed) this.revision++;",
        "        return removed;",
        "    }",
        "",
        `    count(predicate?: (item: ${entity}) => boolean): number {`,
        "        let total = 0;",
        "        for (const item of this.items.values()) {",
        "            if (!predicate || predicate(item)) total++;",
        "        }",
        "        return total;",
        "    }",
        "}",
        "",
        `/** Business rules for ${words(entity)}s; publishes \`${variable}.created\`, \`${variable}.updated\` and \`${variable}.removed\`. */`,
        `export class ${entity}Service {`,
        "    constructor(",
        `        private readonly repository: ${entity}Repository,`,
        "        private readonly events: EventEmitter = new EventEmitter()",
        "    ) {}",
        "",
        `    create(input: ${entity}Input): ${entity} {`,
        `        const problems = validate${entity}(input);`,
        `        if (problems.length > 0) throw new ValidationError("${entity}", problems);`,
        `        const ${variable} = this.repository.save({...input, id: randomUUID() as ${idType}});`,
        `        this.events.emit("${variable}.created", ${variable});`,
        `        return ${variable};`,
        "    }",
        "",
        `    update(id: ${idType}, changes: Partial<${entity}Input>): ${entity} {`,
        "        const current = this.repository.findById(id);",
        `        if (!current) throw new Error(\`No ${words(entity)} with id \${id}\`);`,
        `        const problems = validate${entity}(changes);`,
        `        if (problems.length > 0) throw new ValidationError("${entity}", problems);`,
        "        const updated = this.repository.save({...current, ...changes});",
        `        this.events.emit("${variable}.updated", updated, current);`,
        "        return updated;",
        "    }",
        "",
        `    remove(id: ${idType}): void {`,
        `        if (this.repository.remove(id)) this.events.emit("${variable}.removed", id);`,
        "    }",
        ""
    );
    if (hasStatus) {
        out.push(
            "    /** How many are in each status; statuses with none are listed with 0. */",
            "    countByStatus(): Record<Status, number> {",
            "        const counts: Record<Status, number> = {draft: 0, active: 0, archived: 0};",
            `        for (const item of this.repository.findAll({offset: 0, limit: Number.MAX_SAFE_INTEGER}).items) {`,
            "            switch (item.status) {",
            "                case \"draft\":",
            "                    counts.draft++;",
            "                    break;",
            "                case \"active\":",
            "                    counts.active++;",
            "                    break;",
            "                case \"archived\":",
            "                    counts.archived++;",
            "                    break;",
            "            }",
            "        }",
            "        return counts;",
            "    }",
            ""
        );
    }
    for (const field of numeric.slice(0, 2)) {
        const capital = `${field.name.charAt(0).toUpperCase()}${field.name.slice(1)}`;
        out.push(
            `    /** Sum and mean of \`${field.name}\` over the items the predicate keeps. */`,
            `    summarize${capital}(predicate: (item: ${entity}) => boolean = () => true): {sum: number; mean: number} {`,
            "        let sum = 0;",
            "        let count = 0;",
            `        for (const item of this.repository.findAll({offset: 0, limit: Number.MAX_SAFE_INTEGER}).items) {`,
            "            if (!predicate(item)) continue;",
            `            sum += item.${field.name};`,
            "            count++;",
            "        }",
            "        return {sum, mean: count === 0 ? 0 : sum / count};",
            "    }",
            ""
        );
    }
    // The class's closing brace replaces the blank line after its last member.
    out.pop();
    out.push(
        "}",
        "",
        `/** Every rule \`input\` breaks, in a fixed order; empty when the ${words(entity)} is valid. */`,
        `export function validate${entity}(item: Partial<${entity}Input>): string[] {`,
        "    const problems: string[] = [];",
        ...fields.flatMap((field) => validationLines(field, entity)),
        "    return problems;",
        "}",
        "",
        `/** A stable order for listings: ${fields.filter((field) => field.type === "string" || field.type === "number" || field.type === "Date").slice(0, 2).map((field) => field.name).join(", ") || "id"}, then id. */`,
        `export function compare${entity}(a: ${entity}, b: ${entity}): number {`,
        ...compareLines(fields),
        "}",
        "",
        `export function format${entity}(item: ${entity}): string {`,
        `    return \`${entity} \${item.id}: ${fields.slice(0, 3).map((field) => `${field.name}=${formatExpression(field)}`).join(" ")}\`;`,
        "}",
        ""
    );
    return out;
}

/** The file the benchmark types into: at least `minLines` lines (entities are added until it is). */
export function generateMainFile(seed: number, minLines = 1500): string {
    const rng = new Rng(seed);
    const lines = header("store/backOffice.ts");
    let round = 0;
    while (lines.length < minLines) {
        for (const entity of mainEntities) {
            lines.push(...entityLines(round === 0 ? entity : `${entity}${round + 1}`, rng));
        }
        round++;
    }
    return lines.join("\n");
}

export interface OtherFile {
    uri: string;
    languageId: string;
    text: string;
}

/** Other files of the same project (their chunks go into the context ring). */
export function generateOtherFiles(seed: number): OtherFile[] {
    const rng = new Rng(seed ^ 0x5bd1e995);
    const files: Array<{name: string; entities: string[]}> = [
        {name: "pricing", entities: ["PriceRule", "TaxRate"]},
        {name: "fulfilment", entities: ["Parcel", "PickList"]},
        {name: "accounts", entities: ["Account", "Ledger"]}
    ];
    return files.map((file) => ({
        uri: `file:///work/store/src/${file.name}.ts`,
        languageId: "typescript",
        text: [...header(`store/${file.name}.ts`), ...file.entities.flatMap((entity) => entityLines(entity, rng))].join("\n")
    }));
}
