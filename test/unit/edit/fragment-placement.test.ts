import assert from "node:assert/strict";
import {placeFragment, type Placement, type PlacementRequest} from "../../../src/edit/fragmentPlacement";

/** The file after the placement, or the reason there is none. */
function apply(request: PlacementRequest): {text: string; placement: Placement} | {reason: string} {
    const placement = placeFragment(request);
    if (placement.none) return {reason: placement.reason};
    return {text: request.text.slice(0, placement.range.start) + placement.replacement + request.text.slice(placement.range.end), placement};
}

function applied(request: PlacementRequest): {text: string; placement: Placement & {none: false}} {
    const result = apply(request);
    if ("reason" in result) assert.fail(`expected a place, got: ${result.reason}`);
    return result as {text: string; placement: Placement & {none: false}};
}

function noPlace(request: PlacementRequest): string {
    const result = apply(request);
    assert.ok("reason" in result, `expected no place, got:\n${"text" in result ? result.text : ""}`);
    return result.reason;
}

const lines = (...parts: string[]): string => parts.join("\n") + "\n";

const invoiceTs = lines(
    "import {round} from \"./money\";",
    "",
    "/** The total of the lines, in cents. */",
    "export function total(lines: readonly Line[]): number {",
    "    let sum = 0;",
    "    for (const line of lines) sum += line.cents * line.quantity;",
    "    return sum;",
    "}",
    "",
    "export function tax(totalCents: number, rate: number): number {",
    "    return round(totalCents * rate);",
    "}",
    "",
    "export class Invoice {",
    "    constructor(private readonly lines: Line[]) {}",
    "",
    "    describe(): string {",
    "        return `${this.lines.length} lines`;",
    "    }",
    "",
    "    due(days: number): Date {",
    "        const date = new Date();",
    "        date.setDate(date.getDate() + days);",
    "        return date;",
    "    }",
    "}"
);

describe("fragment placement", () => {
    describe("by signature", () => {
        it("replaces the TypeScript function with the same name and nothing else", () => {
            const fragment = "export function tax(totalCents: number, rate: number): number {\n    const tax = totalCents * rate;\n    return round(tax);\n}";
            const {text, placement} = applied({text: invoiceTs, fragment, languageId: "typescript"});
            assert.equal(placement.method, "signature");
            assert.deepEqual(placement.lines, {start: 9, end: 11});
            assert.equal(text, invoiceTs.replace("    return round(totalCents * rate);\n", "    const tax = totalCents * rate;\n    return round(tax);\n"));
        });

        it("re-indents a method given at column 0 into its class, and keeps the file's doc comment", () => {
            const fragment = "due(days: number): Date {\n  const date = new Date(Date.now());\n  date.setDate(date.getDate() + days);\n  return date;\n}";
            const {text} = applied({text: invoiceTs, fragment, languageId: "typescript"});
            assert.ok(
                text.includes("    due(days: number): Date {\n        const date = new Date(Date.now());\n        date.setDate(date.getDate() + days);\n        return date;\n    }\n}\n"),
                text
            );
            assert.ok(text.includes("    describe(): string {"), "the other method stays");
        });

        it("replaces the doc comment too when the fragment brings one, and drops imports the file already has", () => {
            const fragment = "import {round} from \"./money\";\n\n/** Sum of the lines (cents). */\nexport function total(lines: readonly Line[]): number {\n    return lines.reduce((sum, line) => sum + line.cents * line.quantity, 0);\n}";
            const {text} = applied({text: invoiceTs, fragment, languageId: "typescript"});
            assert.equal(text.split("import {round}").length, 2, "the import is not repeated");
            assert.ok(text.startsWith("import {round} from \"./money\";\n\n/** Sum of the lines (cents). */\nexport function total("), text);
            assert.ok(!text.includes("The total of the lines"));
            assert.ok(text.includes("export function tax("));
        });

        it("places only the changed member of a class shown in part, never deleting the members it leaves out", () => {
            const fragment = "class Invoice {\n    describe(): string {\n        return `${this.lines.length} line(s)`;\n    }\n}";
            const {text, placement} = applied({text: invoiceTs, fragment, languageId: "typescript"});
            assert.deepEqual(placement.lines, {start: 16, end: 18});
            assert.ok(text.includes("line(s)") && text.includes("due(days: number)") && text.includes("constructor("), text);
        });

        it("refuses a class fragment that would delete members and has none of its own to place", () => {
            const reason = noPlace({text: invoiceTs, fragment: "export class Invoice {\n    paid = false;\n}", languageId: "typescript"});
            assert.match(reason, /would delete constructor \(line 15\), describe \(line 17\), due \(line 21\)/);
        });

        it("finds a Python method by name and re-indents its body to the class's levels", () => {
            const file = lines(
                "class Cart:",
                "    def __init__(self):",
                "        self.items = []",
                "",
                "    def total(self):",
                "        return sum(item.price for item in self.items)",
                "",
                "    def clear(self):",
                "        self.items = []",
                "",
                "def main():",
                "    print(Cart().total())"
            );
            const fragment = "def total(self):\n  if not self.items:\n    return 0\n  return sum(item.price for item in self.items)";
            const {text, placement} = applied({text: file, fragment, languageId: "python"});
            assert.deepEqual(placement.lines, {start: 4, end: 5});
            assert.ok(text.includes("    def total(self):\n        if not self.items:\n            return 0\n        return sum(item.price for item in self.items)\n\n    def clear(self):"), text);
        });

        it("tells Go methods of different receivers apart", () => {
            const file = lines(
                "package shapes",
                "",
                "type Square struct{ Side float64 }",
                "type Circle struct{ R float64 }",
                "",
                "func (s Square) Area() float64 {",
                "\treturn s.Side * s.Side",
                "}",
                "",
                "func (c *Circle) Area() float64 {",
                "\treturn 3.14 * c.R * c.R",
                "}"
            );
            const fragment = "func (c *Circle) Area() float64 {\n\treturn math.Pi * c.R * c.R\n}";
            const {text, placement} = applied({text: file, fragment, languageId: "go"});
            assert.deepEqual(placement.lines, {start: 9, end: 11});
            assert.ok(text.includes("return math.Pi * c.R * c.R") && text.includes("return s.Side * s.Side"));
        });

        it("converts a fragment's spaces to the file's tabs", () => {
            const file = "package main\n\nfunc main() {\n\tif ok {\n\t\trun()\n\t}\n}\n";
            const {text} = applied({text: file, fragment: "func main() {\n    if ok {\n        run(true)\n    }\n}", languageId: "go"});
            assert.equal(text, "package main\n\nfunc main() {\n\tif ok {\n\t\trun(true)\n\t}\n}\n");
        });

        it("calls two same-named methods ambiguous, unless the selection is in one of them", () => {
            const file = lines(
                "class A {",
                "    render(): string {",
                "        return \"a\";",
                "    }",
                "}",
                "class B {",
                "    render(): string {",
                "        return \"b\";",
                "    }",
                "}"
            );
            const fragment = "render(): string {\n    return \"c\";\n}";
            assert.match(noPlace({text: file, fragment, languageId: "typescript"}), /render is declared 2 times in the file \(lines 2, 7\)/);
            const inB = file.indexOf("return \"b\"");
            const {text} = applied({text: file, fragment, languageId: "typescript", selection: {start: inB, end: inB + 3}});
            assert.ok(text.includes("return \"a\"") && text.includes("return \"c\"") && !text.includes("return \"b\""), text);
        });

        it("keeps a CRLF file's line endings and touches no other byte", () => {
            const crlf = invoiceTs.replace(/\n/g, "\r\n");
            const {text} = applied({text: crlf, fragment: "export function tax(totalCents: number, rate: number): number {\n    return round(totalCents * rate * 1.0);\n}", languageId: "typescript"});
            assert.equal(text, crlf.replace("rate);\r\n", "rate * 1.0);\r\n"));
            assert.ok(!/[^\r]\n/.test(text), "every line ends with CRLF");
        });
    });

    describe("by likeness", () => {
        const file = lines(
            "function report(orders) {",
            "    const paid = orders.filter((order) => order.paid);",
            "    const open = orders.filter((order) => !order.paid);",
            "    console.log(`paid: ${paid.length}`);",
            "    console.log(`open: ${open.length}`);",
            "    return {paid, open};",
            "}"
        );

        it("replaces the lines a fragment of statements changes, at their indentation", () => {
            const fragment = "const paid = orders.filter((order) => order.paid);\nconst open = orders.filter((order) => !order.paid);\nconsole.info(`paid: ${paid.length}, open: ${open.length}`);\nreturn {paid, open};";
            const {text, placement} = applied({text: file, fragment, languageId: "javascript"});
            assert.equal(placement.method, "similar");
            assert.equal(text, lines(
                "function report(orders) {",
                "    const paid = orders.filter((order) => order.paid);",
                "    const open = orders.filter((order) => !order.paid);",
                "    console.info(`paid: ${paid.length}, open: ${open.length}`);",
                "    return {paid, open};",
                "}"
            ));
        });

        it("finds no place for code that is like nothing in the file, and says so", () => {
            assert.match(noPlace({text: file, fragment: "const server = http.createServer(handler);\nserver.listen(8080);", languageId: "javascript"}), /no part of the file/);
        });

        it("finds no place when two regions are equally like the fragment", () => {
            const twice = lines(
                "function a() {",
                "    const total = compute(items);",
                "    log(`total is ${total}`);",
                "    save(total);",
                "}",
                "function b() {",
                "    const total = compute(items);",
                "    log(`total is ${total}`);",
                "    save(total);",
                "}"
            );
            const reason = noPlace({text: twice, fragment: "const total = compute(items);\nlog(`total: ${total}`);\nsave(total);", languageId: "javascript"});
            assert.match(reason, /as much like lines 2–4 as 7–9/);
        });

        it("uses the selection when nothing in the file is like the fragment", () => {
            const start = file.indexOf("    console.log(`paid");
            const end = file.indexOf("    return");
            const {text, placement} = applied({text: file, fragment: "notify(paid, open);", languageId: "javascript", selection: {start, end}});
            assert.equal(placement.method, "selection");
            assert.ok(text.includes("    const open = orders.filter((order) => !order.paid);\n    notify(paid, open);\n    return {paid, open};"), text);
        });
    });

    describe("the whole file", () => {
        it("replaces the file when the fragment is the file, edited", () => {
            const edited = invoiceTs.replace("return sum;", "return Math.round(sum);");
            const {text, placement} = applied({text: invoiceTs, fragment: edited, languageId: "typescript"});
            assert.equal(placement.method, "file");
            assert.equal(text, edited);
        });

        it("never replaces a 200-line file with a fragment of it", () => {
            const functions = Array.from({length: 40}, (_, i) => `export function step${i}(value: number): number {\n    const next = value + ${i};\n    return next * 2;\n}\n`);
            const big = functions.join("\n");
            assert.ok(big.split("\n").length >= 200);
            const fragment = "export function step17(value: number): number {\n    return (value + 17) * 3;\n}";
            const {text, placement} = applied({text: big, fragment, languageId: "typescript"});
            assert.equal(placement.method, "signature");
            assert.equal(text, big.replace("export function step17(value: number): number {\n    const next = value + 17;\n    return next * 2;\n}", fragment));
            // The same fragment in a language Enclave has no declarations for still lands on its region.
            const plain = applied({text: big, fragment: "export function step17(value: number): number {\n    const next = value + 17;\n    return next * 3;\n}", languageId: "plaintext"});
            assert.equal(plain.placement.method, "similar");
            assert.deepEqual(plain.placement.lines, {start: 85, end: 88});
        });
    });

    it("says an empty code block has no place", () => {
        assert.match(noPlace({text: invoiceTs, fragment: "\n \n"}), /empty/);
    });
});
