/**
 * Entry point of the reasoning-trace webview bundle (dist/media/trace.js): builds the view,
 * validates every host message through the shared protocol, and says `ready` so the host sends
 * `init`.
 */
// Must stay the first import: it configures zod before the protocol module builds its schemas.
import "../shared/zodConfig";
import "./trace.css";
import {parseHostToTrace, type TraceToHost} from "../../src/webview/protocol";
import {HostChannel} from "../shared/vscodeApi";
import {TraceApp} from "./traceApp";

const channel = new HostChannel<TraceToHost, never>();
const root = document.getElementById("app") ?? document.body;
const app = new TraceApp(root, (message) => channel.post(message));
channel.listen(parseHostToTrace, (message) => app.handle(message));
channel.post({type: "ready"});
