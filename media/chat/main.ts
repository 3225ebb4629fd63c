/**
 * Entry point of the chat webview bundle (dist/media/chat.js): builds the view, validates every
 * host message through the shared protocol, and says `ready` so the host sends `init`.
 */
// Must stay the first import: it configures zod before the protocol module builds its schemas.
import "../shared/zodConfig";
import "./chat.css";
import {parseHostToChat, type ChatToHost} from "../../src/webview/protocol";
import {HostChannel} from "../shared/vscodeApi";
import {ChatApp} from "./chatApp";
import {isComposerState, type ComposerState} from "./composer";

const channel = new HostChannel<ChatToHost, ComposerState>();
const root = document.getElementById("app") ?? document.body;
const app = new ChatApp(root, (message) => channel.post(message), channel.loadState(isComposerState), (state) => channel.saveState(state));
channel.listen(parseHostToChat, (message) => app.handle(message));
channel.post({type: "ready"});
