/**
 * The dev mana-sync on a real `node:http` socket with its live endpoints: HTTP requests go through
 * the app's web handler with streamed bodies (SSE), and WebSocket upgrades on `/ws` are handed to
 * `serveSocket` through a `ws` server. `wsClientLayer` gives Node the WebSocket client Bun has
 * built in, for `@effect/platform`'s `Socket.makeWebSocket`.
 */
import { HttpApp, Socket } from "@effect/platform"
import { Effect, Layer, Runtime, type Scope } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import { WebSocket, WebSocketServer } from "ws"
import { close, listen, toWebRequest } from "./httpServer.ts"

export const wsClientLayer = Layer.succeed(
  Socket.WebSocketConstructor,
  (url: string, protocols?: string | Array<string>) => new WebSocket(url, protocols)
)

const pipeBody = async (response: Response, res: ServerResponse) => {
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.flushHeaders()
  const reader = response.body?.getReader()
  res.on("close", () => void reader?.cancel().catch(() => undefined))
  for (;;) {
    const chunk = await reader?.read().catch(() => undefined)
    if (chunk === undefined || chunk.done) break
    res.write(Buffer.from(chunk.value))
  }
  res.end()
}

export interface LiveSyncApp {
  readonly app: HttpApp.Default
  readonly serveSocket: (socket: Socket.Socket) => Effect.Effect<void>
}

export interface LiveSyncServer {
  readonly url: string
  /** Closes every open WebSocket from the server side (a network cut, as a client sees it). */
  readonly dropSockets: Effect.Effect<void>
}

/** Serves `devSync` until the scope closes. */
export const serveLiveSync = (devSync: LiveSyncApp): Effect.Effect<LiveSyncServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const runtime = yield* Effect.runtime<never>()
    const handler = HttpApp.toWebHandler(devSync.app)
    const sockets = new WebSocketServer({ noServer: true })
    const open = new Set<globalThis.WebSocket>()
    const server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        const controller = new AbortController()
        res.on("close", () => controller.abort())
        const request = new Request(toWebRequest(req, Buffer.concat(chunks)), { signal: controller.signal })
        void handler(request).then((response) => pipeBody(response, res))
      })
    })
    server.on("upgrade", (req: IncomingMessage, socket, head: Buffer) => {
      sockets.handleUpgrade(req, socket, head, (ws) => {
        open.add(ws)
        ws.addEventListener("close", () => open.delete(ws))
        const served = Effect.flatMap(
          Socket.fromWebSocket(Effect.acquireRelease(Effect.succeed(ws), () => Effect.sync(() => ws.close()))),
          devSync.serveSocket
        )
        Runtime.runFork(runtime)(served)
      })
    })
    const port = yield* Effect.acquireRelease(
      listen(server),
      () =>
        Effect.suspend(() => {
          for (const ws of open) ws.close()
          sockets.close()
          return close(server)
        })
    )
    return {
      url: `http://127.0.0.1:${port}`,
      dropSockets: Effect.sync(() => {
        for (const ws of open) ws.close(1012, "dropped")
      })
    }
  })
