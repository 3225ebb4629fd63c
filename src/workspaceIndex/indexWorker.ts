/**
 * The workspace index's worker thread (its own bundle, dist/indexWorker.cjs): answers the requests
 * of indexProtocol.ts with a WorkspaceIndex. It holds no model and no native code beyond
 * tree-sitter's WebAssembly, so the host may end it at any time (Worker.terminate).
 */
import {parentPort} from "node:worker_threads";
import {RpcServer} from "../engine/channel/rpcServer";
import {ThreadTransport} from "../engine/channel/transport";
import {indexMessages, type IndexFailure, type IndexMethods, type IndexNotifications} from "./indexProtocol";
import {WorkspaceIndex} from "./workspaceIndex";

const port = parentPort;
if (!port) throw new Error("indexWorker.ts runs as a worker thread.");

const transport = new ThreadTransport(port, () => port.close());
const index = new WorkspaceIndex({log: (message) => server.log("warn", message)});

const server: RpcServer<IndexMethods, IndexNotifications, IndexFailure> = new RpcServer(
    transport,
    {
        messages: indexMessages,
        handlers: {
            open: async ({folders, grammarsFolder}) => ({folders: await index.open(folders, grammarsFolder)}),
            build: async (_params, signal, emit) => ({folders: await index.build(signal, emit)}),
            update: async ({rootPath, paths}) => ({changed: await index.update(rootPath, paths)}),
            overlay: async ({rootPath, path, text}) => {
                await index.overlay(rootPath, path, text);
                return {};
            },
            search: async ({query, limit}) => ({hits: await index.search(query, limit)}),
            status: async () => ({folders: index.status()}),
            save: async () => {
                await index.save();
                return {};
            }
        },
        toErrorData: (error, aborted) => (aborted ? {message: "Cancelled.", cancelled: true} : {message: error instanceof Error ? error.message : String(error), cancelled: false}),
        invalidRequest: (method, detail) => ({message: `The workspace index was sent an invalid ${method} request: ${detail}`, cancelled: false})
    },
    (detail) => server.log("error", `The workspace index ignored a malformed message: ${detail}`)
);

transport.onClose(() => index.dispose());
