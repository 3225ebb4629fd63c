"use strict";
// Network guard for test runs: Enclave promises that code never leaves the machine, so during tests
// every way out is patched to throw before a single packet is sent, and each attempt is recorded.
//
// Loading this file installs the guard (so `node --require ./test/support/network-guard.cjs` and
// `NODE_OPTIONS=--require=…` work). Allowed: loopback addresses (127.0.0.0/8, ::1, their IPv4-mapped
// forms, and 0.0.0.0 / :: which can only reach this host), the names `localhost` and `*.localhost`
// (resolved from /etc/hosts), Unix sockets and named pipes. Everything else throws an Error with
// code ENCLAVE_NETWORK_BLOCKED and is appended as one JSON line to the file named by
// ENCLAVE_NETWORK_GUARD_LOG (when set) and printed to stderr.
//
// Not covered (documented, not pretended): child processes that do not inherit NODE_OPTIONS,
// native addons that open sockets themselves, and worker threads started with a custom execArgv.

const dgram = require("node:dgram");
const dns = require("node:dns");
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const net = require("node:net");

const STATE = Symbol.for("enclave.networkGuard");
const CODE = "ENCLAVE_NETWORK_BLOCKED";

/** @param {string} address */
function isLoopbackIPv4(address) {
    const first = Number(address.split(".")[0]);
    return first === 127 || address === "0.0.0.0";
}

/** @param {string} address an IPv6 literal, maybe in brackets or with a zone id */
function isLoopbackIPv6(address) {
    const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
    if (net.isIP(bare) !== 6) {
        return false;
    }
    // The URL parser gives one canonical compressed form, so "0:0:0:0:0:0:0:1" becomes "::1".
    const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    if (canonical === "::1" || canonical === "::") {
        return true;
    }
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    return mapped !== null && Number.parseInt(mapped[1] ?? "0", 16) >> 8 === 127;
}

/** True for host strings that can only mean this machine. @param {unknown} host */
function isLoopbackHost(host) {
    if (typeof host !== "string" || host === "") {
        return false;
    }
    const name = host.toLowerCase().replace(/\.$/, "");
    if (name === "localhost" || name.endsWith(".localhost")) {
        return true;
    }
    const bare = name.replace(/^\[|\]$/g, "");
    if (net.isIP(bare) === 4) {
        return isLoopbackIPv4(bare);
    }
    return isLoopbackIPv6(bare);
}

/**
 * Records a blocked attempt and returns the error to throw.
 * @param {string} kind what was attempted, e.g. "connect" or "dns.lookup"
 * @param {string} target the address or name
 */
function violation(kind, target) {
    const error = new Error(
        `Enclave network guard: blocked ${kind} to ${target} (tests may only reach loopback addresses)`
    );
    Object.assign(error, {code: CODE, kind, target});
    const line = JSON.stringify({
        time: new Date().toISOString(),
        pid: process.pid,
        kind,
        target,
        stack: (error.stack ?? "").split("\n").slice(1, 12).map((frame) => frame.trim())
    });
    process.stderr.write(`[network-guard] blocked ${kind} to ${target}\n`);
    const logFile = process.env.ENCLAVE_NETWORK_GUARD_LOG;
    if (logFile) {
        try {
            fs.appendFileSync(logFile, `${line}\n`);
        } catch (writeError) {
            // The block itself must still happen; only the record is lost, so say so.
            process.stderr.write(`[network-guard] cannot write ${logFile}: ${String(writeError)}\n`);
        }
    }
    return error;
}

/**
 * Finds where a net.Socket#connect call is going. Node passes either (options, cb), (path, cb),
 * (port, host, cb) or, from net.connect(), an already normalised [options, cb] array.
 * @param {unknown[]} args
 * @returns {{path: string} | {host: string, port: unknown}}
 */
function connectTarget(args) {
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    if (first !== null && typeof first === "object") {
        const options = /** @type {{path?: unknown, host?: unknown, port?: unknown}} */ (first);
        if (typeof options.path === "string" && options.path !== "") {
            return {path: options.path};
        }
        return {host: typeof options.host === "string" ? options.host : "localhost", port: options.port};
    }
    if (typeof first === "string" && !/^\d+$/.test(first)) {
        return {path: first};
    }
    return {host: typeof args[1] === "string" ? args[1] : "localhost", port: first};
}

/**
 * The host an http(s).request call targets: from a URL, a string, or an options object.
 * @param {unknown[]} args
 */
function requestTarget(args) {
    const [first, second] = args;
    /** @type {Record<string, unknown>} */
    let options = {};
    if (typeof first === "string" || first instanceof URL) {
        const url = new URL(String(first));
        options = {hostname: url.hostname, port: url.port};
    } else if (first !== null && typeof first === "object") {
        options = /** @type {Record<string, unknown>} */ (first);
    }
    if (second !== null && typeof second === "object" && typeof second !== "function") {
        options = {...options, .../** @type {Record<string, unknown>} */ (second)};
    }
    if (typeof options.socketPath === "string") {
        return undefined;
    }
    const host = options.hostname ?? options.host ?? "localhost";
    return {host: String(host).replace(/:\d+$/, "").replace(/^\[|\]$/g, ""), port: options.port};
}

/**
 * Replaces owner[name] with a guarded version and remembers the original for uninstall().
 * @param {Array<[object, string, unknown]>} saved
 * @param {object} owner
 * @param {string} name
 * @param {(original: Function) => Function} wrap
 */
function patch(saved, owner, name, wrap) {
    const original = /** @type {Record<string, unknown>} */ (owner)[name];
    if (typeof original !== "function") {
        return;
    }
    saved.push([owner, name, original]);
    /** @type {Record<string, unknown>} */ (owner)[name] = wrap(original);
}

/** Every dns function that sends a query to the configured DNS server (never /etc/hosts). */
const RESOLVERS = [
    "resolve", "resolve4", "resolve6", "resolveAny", "resolveCaa", "resolveCname", "resolveMx",
    "resolveNaptr", "resolveNs", "resolvePtr", "resolveSoa", "resolveSrv", "resolveTlsa", "resolveTxt",
    "reverse", "lookupService"
];

/** @param {Array<[object, string, unknown]>} saved */
function patchDns(saved) {
    /** @param {unknown} host */
    const checkLookup = (host) => {
        if (!isLoopbackHost(host)) {
            throw violation("dns.lookup", String(host));
        }
    };
    patch(saved, dns, "lookup", (original) => function guardedLookup(/** @type {unknown[]} */ ...args) {
        checkLookup(args[0]);
        return original.apply(this, args);
    });
    patch(saved, dns.promises, "lookup", (original) => function guardedLookup(/** @type {unknown[]} */ ...args) {
        try {
            checkLookup(args[0]);
        } catch (error) {
            return Promise.reject(error);
        }
        return original.apply(this, args);
    });
    // resolve* always asks the DNS server over the network (here a non-loopback one), even for
    // "localhost", so they are refused whatever the name.
    for (const name of RESOLVERS) {
        const refuse = (/** @type {string} */ api) => (/** @type {unknown[]} */ ...args) => {
            throw violation(api, String(args[0]));
        };
        const refuseAsync = (/** @type {string} */ api) => (/** @type {unknown[]} */ ...args) =>
            Promise.reject(violation(api, String(args[0])));
        patch(saved, dns, name, () => refuse(`dns.${name}`));
        patch(saved, dns.Resolver.prototype, name, () => refuse(`dns.Resolver#${name}`));
        patch(saved, dns.promises, name, () => refuseAsync(`dns.promises.${name}`));
        patch(saved, dns.promises.Resolver.prototype, name, () => refuseAsync(`dns.promises.Resolver#${name}`));
    }
}

/** @param {Array<[object, string, unknown]>} saved */
function patchSockets(saved) {
    // Every TCP client (net, tls, http, https, http2, fetch/undici, WebSocket) ends in this method.
    patch(saved, net.Socket.prototype, "connect", (original) => function guardedConnect(/** @type {unknown[]} */ ...args) {
        const target = connectTarget(args);
        if ("host" in target && !isLoopbackHost(target.host)) {
            throw violation("connect", `${target.host}:${String(target.port)}`);
        }
        return original.apply(this, args);
    });
    // UDP never goes through net.Socket.
    for (const name of ["send", "connect"]) {
        patch(saved, dgram.Socket.prototype, name, (original) => function guardedUdp(/** @type {unknown[]} */ ...args) {
            // connect(port, address, cb); send(msg, [offset, length,] port, address, cb).
            const address = args.find((arg, index) => index > 0 && typeof arg === "string");
            const port = name === "connect" ? args[0] : args.filter((arg) => typeof arg === "number").at(-1);
            // send(msg, port) with no address goes to localhost; a connected socket was checked at connect().
            const needsCheck = name === "connect" || args.some((arg, index) => index > 0 && typeof arg === "number");
            if (needsCheck && address !== undefined && !isLoopbackHost(address)) {
                throw violation(`udp.${name}`, `${String(address)}:${String(port)}`);
            }
            return original.apply(this, args);
        });
    }
    // http(s).request would be caught at connect too; checking here gives a clearer error sooner and
    // also covers requests through a custom Agent that never opens a real socket.
    for (const [label, module] of /** @type {const} */ ([["http", http], ["https", https]])) {
        for (const name of ["request", "get"]) {
            patch(saved, module, name, (original) => function guardedRequest(/** @type {unknown[]} */ ...args) {
                const target = requestTarget(args);
                if (target !== undefined && !isLoopbackHost(target.host)) {
                    throw violation(`${label}.${name}`, `${target.host}${target.port ? `:${String(target.port)}` : ""}`);
                }
                return original.apply(this, args);
            });
        }
    }
}

/** Installs the guard once per process; later calls do nothing. */
function install() {
    const global = /** @type {Record<symbol, Array<[object, string, unknown]> | undefined>} */ (globalThis);
    if (global[STATE] !== undefined) {
        return;
    }
    /** @type {Array<[object, string, unknown]>} */
    const saved = [];
    patchDns(saved);
    patchSockets(saved);
    global[STATE] = saved;
}

/** Restores the originals (for unit tests that must leave the process as they found it). */
function uninstall() {
    const global = /** @type {Record<symbol, Array<[object, string, unknown]> | undefined>} */ (globalThis);
    const saved = global[STATE];
    if (saved === undefined) {
        return;
    }
    for (const [owner, name, original] of saved.reverse()) {
        /** @type {Record<string, unknown>} */ (owner)[name] = original;
    }
    global[STATE] = undefined;
}

/** @returns {boolean} */
function isInstalled() {
    return /** @type {Record<symbol, unknown>} */ (globalThis)[STATE] !== undefined;
}

install();

module.exports = {install, uninstall, isInstalled, isLoopbackHost, CODE};
