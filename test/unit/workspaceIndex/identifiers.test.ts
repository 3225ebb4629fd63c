import assert from "node:assert/strict";
import {codeTerms, identifierParts} from "../../../src/workspaceIndex/identifiers";

describe("workspace index: identifier splitting", () => {
    it("splits camelCase into its words and keeps the whole identifier", () => {
        assert.deepEqual(identifierParts("parseHeader"), ["parse", "header"]);
        assert.deepEqual(codeTerms("readFileSync"), ["readfilesync", "read", "file", "sync"]);
    });

    it("splits PascalCase with acronyms at the acronym's end (GGUFHeader → gguf, header)", () => {
        assert.deepEqual(identifierParts("parseGGUFHeader"), ["parse", "gguf", "header"]);
        assert.deepEqual(identifierParts("XMLHttpRequest"), ["xml", "http", "request"]);
        assert.deepEqual(identifierParts("HTTPServer"), ["http", "server"]);
        assert.deepEqual(identifierParts("getURL"), ["get", "url"]);
        assert.deepEqual(codeTerms("parseGGUFHeader"), ["parseggufheader", "parse", "gguf", "header"]);
    });

    it("splits snake_case, SCREAMING_SNAKE and $-joined names, dropping the leading and trailing underscores", () => {
        assert.deepEqual(identifierParts("parse_GGUF_header2"), ["parse", "gguf", "header", "2"]);
        assert.deepEqual(codeTerms("MAX_FILE_BYTES"), ["max_file_bytes", "max", "file", "bytes"]);
        assert.deepEqual(codeTerms("__init__"), ["init"]);
        assert.deepEqual(codeTerms("$scope_id"), ["scope_id", "scope", "id"]);
    });

    it("separates digits from letters, and keeps numbers of two digits or more", () => {
        assert.deepEqual(identifierParts("utf8Decode"), ["utf", "8", "decode"]);
        assert.deepEqual(codeTerms("base64ToHex"), ["base64tohex", "base", "64", "hex"]);
        // One-character parts ("8", "x") say nothing on their own.
        assert.deepEqual(codeTerms("utf8"), ["utf8", "utf"]);
    });

    it("treats letters of any script as word characters and lower-cases them", () => {
        assert.deepEqual(codeTerms("größeBerechnen"), ["größeberechnen", "größe", "berechnen"]);
        assert.deepEqual(codeTerms("Ошибка чтения"), ["ошибка", "чтения"]);
        assert.deepEqual(codeTerms("日本語 テスト"), ["日本語", "テスト"]);
        assert.deepEqual(identifierParts("ÉcoleNormale"), ["école", "normale"]);
    });

    it("leaves stop words and one-letter words out of questions and code alike", () => {
        assert.deepEqual(codeTerms("where is the GGUF header parsed?"), ["gguf", "header", "parsed"]);
        assert.deepEqual(codeTerms("if (a && b) return x;"), ["return"]);
        // A stop word inside an identifier is dropped as a part, not the identifier.
        assert.deepEqual(codeTerms("isReady"), ["isready", "ready"]);
    });

    it("drops a term longer than 40 characters (a hash, base64) but keeps one of exactly 40", () => {
        const forty = "a".repeat(40);
        assert.deepEqual(codeTerms(forty), [forty]);
        assert.deepEqual(codeTerms(`${"b".repeat(41)} kept`), ["kept"]);
        assert.deepEqual(codeTerms("sha 3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab8"), ["sha"]);
    });

    it("separates words at punctuation and operators", () => {
        assert.deepEqual(codeTerms("config.maxFiles=10;path/to/file.ts"), ["config", "maxfiles", "max", "files", "10", "path", "file", "ts"]);
    });
});
