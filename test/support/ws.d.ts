/**
 * The few parts of the `ws` package (a devDependency, pinned to the version @effect/platform-node-shared
 * brings, so one copy is installed) that Node tests use: Node 20 has no WebSocket client and `node:http` no WebSocket server. Its sockets implement
 * the browser WebSocket interface, which is how they are typed here.
 */
declare module "ws" {
  import type { IncomingMessage } from "node:http"
  import type { Duplex } from "node:stream"

  export const WebSocket: new(url: string, protocols?: string | Array<string>) => globalThis.WebSocket

  export class WebSocketServer {
    constructor(options: { readonly noServer: true })
    handleUpgrade(
      request: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      done: (socket: globalThis.WebSocket) => void
    ): void
    close(): void
  }
}
