/**
 * Imported first by each webview entry point, before any schema exists. Zod decides per object
 * schema, when it is built, whether to compile a fast parser with `new Function`; probing for that
 * is reported as a violation by the webview's CSP (no 'unsafe-eval') even though zod catches the
 * error. jitless skips the probe and the compiler.
 */
import * as z from "zod";

z.config({jitless: true});
