// The code the workspace-index tests search: ~50 small files of a made-up shop in five languages,
// written into the throwaway workspace by run.ts before VS Code starts (so the index finds them on
// disk, as in a real project). Most files are generated from a few shapes with their own names;
// the files the tests ask about are written out in full below, each with one distinctive function.
import {mkdirSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";

/** The function a question asks about, in a file no test opens before the question. */
export const invoiceFile = "billing/invoice.ts";
export const invoiceFunction = "computeInvoiceTotal";

/** A file the test deletes: its function must disappear from the answers. */
export const digestFile = "notifications/digest.js";
export const digestFunction = "scheduleWeeklyDigest";

/** A file the test edits without saving. */
export const ratesFile = "shipping/rates.py";

const INVOICE = `import type {Customer} from "../users/customer";
import {roundToCents} from "./money";

export interface InvoiceLine {
    sku: string;
    quantity: number;
    unitPriceCents: number;
}

export interface Invoice {
    customer: Customer;
    lines: InvoiceLine[];
    discountPercent: number;
    taxRatePercent: number;
}

/**
 * The amount a customer pays for an invoice, in cents: the lines' subtotal, less the invoice's
 * discount, plus tax on the discounted amount. Lines with a zero or negative quantity are ignored;
 * a discount over 100% is treated as 100%.
 */
export function ${invoiceFunction}(invoice: Invoice): number {
    const subtotal = invoice.lines
        .filter((line) => line.quantity > 0)
        .reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
    const discount = Math.min(Math.max(invoice.discountPercent, 0), 100);
    const discounted = subtotal * (1 - discount / 100);
    const tax = discounted * (invoice.taxRatePercent / 100);
    return roundToCents(discounted + tax);
}

/** A short line for the customer's statement, e.g. "INV-42: 3 items". */
export function describeInvoice(id: number, invoice: Invoice): string {
    const items = invoice.lines.reduce((count, line) => count + Math.max(line.quantity, 0), 0);
    return \`INV-\${id}: \${items} item\${items === 1 ? "" : "s"}\`;
}
`;

const MONEY = `/** Rounds an amount of cents to a whole cent, halves away from zero. */
export function roundToCents(amount: number): number {
    return Math.sign(amount) * Math.round(Math.abs(amount));
}

/** "12.34 EUR" for 1234 cents. */
export function formatCents(cents: number, currency: string): string {
    const whole = Math.trunc(cents / 100);
    const rest = Math.abs(cents % 100).toString().padStart(2, "0");
    return \`\${whole}.\${rest} \${currency}\`;
}
`;

const DIGEST = `// Weekly e-mail digests of what happened in a customer's account.

/**
 * Plans the next weekly digest for a customer: the next Monday at the hour the customer chose,
 * in their time zone offset (minutes). Customers who opted out get no digest (null).
 */
export function ${digestFunction}(customer, now = new Date()) {
    if (customer.digestOptOut) return null;
    const next = new Date(now.getTime());
    const daysUntilMonday = (8 - next.getUTCDay()) % 7 || 7;
    next.setUTCDate(next.getUTCDate() + daysUntilMonday);
    next.setUTCHours(customer.digestHour, 0, 0, 0);
    return new Date(next.getTime() - customer.utcOffsetMinutes * 60_000);
}

/** The digest's subject line. */
export function digestSubject(customer, count) {
    return \`\${customer.firstName}, \${count} update\${count === 1 ? "" : "s"} this week\`;
}
`;

const RATES = `"""Shipping rates by weight and zone."""

ZONE_FACTORS = {"domestic": 1.0, "europe": 1.8, "world": 2.6}


def parcel_rate(weight_grams, zone):
    """The price of one parcel in cents: a base fee plus a price per started kilogram."""
    factor = ZONE_FACTORS.get(zone)
    if factor is None:
        raise ValueError(f"unknown shipping zone: {zone}")
    kilograms = -(-weight_grams // 1000)
    return round((450 + 120 * kilograms) * factor)


def free_shipping(order_total_cents, zone):
    """Domestic orders over 50.00 ship free."""
    return zone == "domestic" and order_total_cents >= 5000
`;

/** Generated files: one shape per language, filled with a domain's own names. */
const entities: Array<{folder: string; name: string; language: "ts" | "py" | "go" | "rs" | "java" | "js"}> = [];
const domains: Record<string, {language: (typeof entities)[number]["language"]; names: string[]}> = {
    users: {language: "ts", names: ["customer", "address", "session", "preferences", "avatar", "roles", "signup"]},
    billing: {language: "ts", names: ["refund", "coupon", "payment", "receipt", "ledger", "subscription"]},
    shipping: {language: "py", names: ["parcel", "carrier", "label", "tracking", "returns", "warehouse"]},
    catalog: {language: "go", names: ["product", "category", "price", "stock", "search", "image"]},
    reports: {language: "java", names: ["SalesReport", "TaxReport", "StockReport", "ChurnReport", "VisitReport"]},
    auth: {language: "rs", names: ["token", "password", "otp", "lockout", "audit", "scope"]},
    notifications: {language: "js", names: ["email", "sms", "push", "templates", "throttle", "unsubscribe"]}
};
for (const [folder, {language, names}] of Object.entries(domains)) for (const name of names) entities.push({folder, name, language});

const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
const snake = (text: string): string => text.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();

function generated(entity: (typeof entities)[number]): {path: string; text: string} {
    const {folder, name} = entity;
    const Name = cap(name);
    switch (entity.language) {
        case "ts":
            return {
                path: `${folder}/${name}.ts`,
                text: `export interface ${Name} {\n    id: number;\n    createdAt: Date;\n    note: string;\n}\n\n` +
                    `/** Finds a ${name} by its id in a list loaded from the store. */\n` +
                    `export function find${Name}ById(items: readonly ${Name}[], id: number): ${Name} | undefined {\n    return items.find((item) => item.id === id);\n}\n\n` +
                    `/** Problems with a ${name} before it is saved, as messages for the form. */\n` +
                    `export function validate${Name}(item: ${Name}): string[] {\n    const problems: string[] = [];\n    if (item.id <= 0) problems.push("the id must be positive");\n    if (item.note.length > 500) problems.push("the note is too long");\n    return problems;\n}\n`
            };
        case "js":
            return {
                path: `${folder}/${name}.js`,
                text: `// Sending ${name} notifications.\n\n` +
                    `/** Whether a ${name} notification may be sent now (quiet hours are 22:00-07:00). */\n` +
                    `export function may${Name}SendAt(date) {\n    const hour = date.getHours();\n    return hour >= 7 && hour < 22;\n}\n\n` +
                    `/** Groups queued ${name} notifications by recipient. */\n` +
                    `export function group${Name}ByRecipient(queue) {\n    const groups = new Map();\n    for (const item of queue) groups.set(item.to, [...(groups.get(item.to) ?? []), item]);\n    return groups;\n}\n`
            };
        case "py":
            return {
                path: `${folder}/${snake(name)}.py`,
                text: `"""${Name} records of the shipping service."""\n\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass ${Name}:\n    id: int\n    weight_grams: int\n    zone: str\n\n\n` +
                    `def load_${snake(name)}(row):\n    """Builds a ${Name} from a database row (a dict)."""\n    return ${Name}(id=int(row["id"]), weight_grams=int(row["weight"]), zone=row["zone"])\n\n\n` +
                    `def heavy_${snake(name)}s(items, limit_grams=20000):\n    """The ${name}s heavier than the limit, heaviest first."""\n    heavy = [item for item in items if item.weight_grams > limit_grams]\n    return sorted(heavy, key=lambda item: item.weight_grams, reverse=True)\n`
            };
        case "go":
            return {
                path: `${folder}/${name}.go`,
                text: `package catalog\n\nimport "strings"\n\n// ${Name} is one ${name} entry of the catalog.\ntype ${Name} struct {\n\tID    int\n\tTitle string\n}\n\n` +
                    `// Normalize${Name}Title trims and lower-cases a ${name} title for search.\nfunc Normalize${Name}Title(item ${Name}) string {\n\treturn strings.ToLower(strings.TrimSpace(item.Title))\n}\n\n` +
                    `// Filter${Name}s keeps the ${name}s whose title contains the query.\nfunc Filter${Name}s(items []${Name}, query string) []${Name} {\n\tvar kept []${Name}\n\tfor _, item := range items {\n\t\tif strings.Contains(Normalize${Name}Title(item), strings.ToLower(query)) {\n\t\t\tkept = append(kept, item)\n\t\t}\n\t}\n\treturn kept\n}\n`
            };
        case "java":
            return {
                path: `${folder}/${name}.java`,
                text: `package shop.reports;\n\nimport java.util.List;\n\n/** The ${name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} for one month. */\npublic final class ${name} {\n    private final List<Long> amounts;\n\n    public ${name}(List<Long> amounts) {\n        this.amounts = amounts;\n    }\n\n` +
                    `    /** The sum of the month's amounts. */\n    public long total() {\n        long sum = 0;\n        for (long amount : amounts) sum += amount;\n        return sum;\n    }\n\n` +
                    `    /** The largest single amount, or 0 for an empty month. */\n    public long peak() {\n        return amounts.stream().mapToLong(Long::longValue).max().orElse(0);\n    }\n}\n`
            };
        case "rs":
            return {
                path: `${folder}/${name}.rs`,
                text: `//! ${Name} handling for sign-in.\n\n/// A ${name} with the time it expires (seconds since the epoch).\npub struct ${Name} {\n    pub value: String,\n    pub expires_at: u64,\n}\n\n` +
                    `/// Whether the ${name} is still valid at \`now\`.\npub fn ${name}_is_valid(item: &${Name}, now: u64) -> bool {\n    !item.value.is_empty() && now < item.expires_at\n}\n\n` +
                    `/// The ${name} with its value masked for logs.\npub fn mask_${name}(item: &${Name}) -> String {\n    let shown: String = item.value.chars().take(2).collect();\n    format!("{}***", shown)\n}\n`
            };
    }
}

/** Every file of the fixture, folder-relative, with its text. */
export function workspaceFiles(): Array<{path: string; text: string}> {
    const special = [
        {path: invoiceFile, text: INVOICE},
        {path: "billing/money.ts", text: MONEY},
        {path: digestFile, text: DIGEST},
        {path: ratesFile, text: RATES},
        {path: "README.md", text: "# Shop\n\nA small shop: users, billing, shipping, catalog, reports, auth and notifications.\n"}
    ];
    return [...special, ...entities.map(generated)];
}

export function writeWorkspaceFiles(root: string): void {
    for (const {path, text} of workspaceFiles()) {
        mkdirSync(dirname(join(root, path)), {recursive: true});
        writeFileSync(join(root, path), text);
    }
}

/** 1-based first and last line of the function `name` in `text` (from its declaration to the closing brace at column 0). */
export function functionLines(text: string, name: string): {start: number; end: number} {
    const lines = text.split("\n");
    const start = lines.findIndex((line) => new RegExp(`\\b(function|def|fn)\\s+${name}\\b`).test(line));
    if (start < 0) throw new Error(`${name} is not declared in the text`);
    const end = lines.findIndex((line, index) => index > start && /^\}/.test(line));
    if (end < 0) throw new Error(`${name} has no closing brace at column 0`);
    return {start: start + 1, end: end + 1};
}
