/**
 * Real sockets for tests: a `node:http` server on a random loopback port, closed with the test's
 * scope; an `@effect/platform` app served on one; and two broken upstreams (a closed port, a
 * server that never answers) for "unreachable" and "timeout" paths.
 */
import { HttpApp } from "@effect/platform"
import { Effect, type Scope } from "effect"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/** Binds `server` to a random loopback port; its port. */
export const listen = (server: Server) =>
  Effect.async<number>((resume) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(
        typeof address === "object" && address !== null ? Effect.succeed(address.port) : Effect.dieMessage("no port")
      )
    })
  })

/** Closes `server` and every connection it holds. */
export const close = (server: Server) =>
  Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })

/** Serves `handler` on a random port until the scope closes; returns the base URL (no trailing slash). */
export const serveNode = (handler: Handler): Effect.Effect<string, never, Scope.Scope> => {
  const server = createServer(handler)
  return Effect.map(Effect.acquireRelease(listen(server), () => close(server)), (port) => `http://127.0.0.1:${port}`)
}

/** A `node:http` request and its read body as a web `Request`. */
export const toWebRequest = (req: IncomingMessage, body: Buffer): Request => {
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value)
    else if (Array.isArray(value)) { for (const v of value) headers.append(key, v) }
  }
  const method = req.method ?? "GET"
  return new Request(`http://127.0.0.1${req.url ?? "/"}`, {
    method,
    headers,
    ...(method === "GET" || method === "HEAD" ? {} : { body: new Uint8Array(body) })
  })
}

/** Serves an `@effect/platform` app on a random `node:http` port; returns its base URL. */
export const serveApp = (app: HttpApp.Default) => {
  const handler = HttpApp.toWebHandler(app)
  return serveNode((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      void handler(toWebRequest(req, Buffer.concat(chunks))).then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers))
        res.end(Buffer.from(await response.arrayBuffer()))
      })
    })
  })
}

/** A base URL on which nothing listens (a port that was bound and released). */
export const closedPortUrl: Effect.Effect<string> = Effect.scoped(serveNode(() => {}))

/** A base URL whose server accepts connections but never answers, for timeouts. */
export const hangingServerUrl: Effect.Effect<string, never, Scope.Scope> = serveNode(() => {})
