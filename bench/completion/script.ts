/**
 * The edit session the benchmark types: four places in the file, reached by cursor jumps, where new
 * code is typed character by character. In `type` texts, "⌫" is a backspace (the user fixing a
 * word); a line break is one keystroke that also inserts the next line's indentation, as the
 * editor's auto-indent does. Random typos, pauses and typing through shown suggestions are added by
 * the driver (see completion.ts), seeded, on top of this plan.
 */

export interface Place {
    /** The first line starting with this text… */
    anchor: string;
    /** …then the first line at or after it that is exactly this… */
    line: string;
    /** …and the cursor right after this text in it (default: the line's end). */
    after?: string;
}

export type Step =
    | {kind: "jump"; to: Place; /** Reading the code there before typing. */ readMs: number}
    | {kind: "type"; text: string};

export const backspaceMark = "⌫";

export const editPlan: readonly Step[] = [
    // A new top-level function after one near the top third of the file.
    {kind: "jump", to: {anchor: "export function formatProduct(", line: "}"}, readMs: 2000},
    {
        kind: "type",
        text: [
            "",
            "",
            "/** Total weight of the products of an order, in kilograms. */",
            "export function totalWeight(order: Order, products: ProductRepository): number {",
            "    let total = 0;",
            "    for (const tag of order.tags) {",
            `        const product = products.findByNam${backspaceMark.repeat(7)}ById(tag as ProductId);`,
            "        if (!product) continue;",
            "        total += product.weightKg * order.quantity;",
            "    }",
            "    return Math.round(total * 100) / 100;",
            "}"
        ].join("\n")
    },
    // Far down: a function with a switch at the end of the file.
    {kind: "jump", to: {anchor: "export function formatCategory(", line: "}"}, readMs: 1500},
    {
        kind: "type",
        text: [
            "",
            "",
            "export function describeStatus(status: Status, since: Date, clock: Clock = systemClock): string {",
            "    const days = daysBetween(since, clock.now());",
            "    switch (status) {",
            "        case \"draft\":",
            "            return `Draft for ${days} days`;",
            "        case \"active\":",
            `            return \`Active sinse${backspaceMark.repeat(2)}ce \${since.toISOString().slice(0, 10)}\`;`,
            "        case \"archived\":",
            "            return \"Archived\";",
            "    }",
            "}"
        ].join("\n")
    },
    // Back up: an edit in the middle of an existing line (the rest of the line stays after the cursor).
    {kind: "jump", to: {anchor: "export class CustomerRepository", line: "        return this.items.get(id);", after: "return "}, readMs: 1200},
    {kind: "type", text: `this.cache.get(id) ?? ${backspaceMark.repeat(22)}this.items.get(String(id).trim() as CustomerId) ?? `},
    // The middle: a new method inside a class.
    {kind: "jump", to: {anchor: "export class ShipmentService", line: "    }", after: "}"}, readMs: 1500},
    {
        kind: "type",
        text: [
            "",
            "",
            "    /** Shipments still on their way, oldest first. */",
            "    pending(limit = 20): Shipment[] {",
            "        const open = this.repository.findAll({offset: 0, limit: 1000}).items;",
            "        const active = open.filter((item) => item.status === \"active\");",
            "        active.sort(compareShipment);",
            "        return active.slice(0, limit);",
            "    }"
        ].join("\n")
    }
];
