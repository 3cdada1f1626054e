/**
 * A loopback HTTP proxy that lets the MCP conformance suite (which sends no credentials) reach the
 * gateway's `/mcp`: it adds `Authorization: Bearer <dev token>` and `X-Mana-Space` when the
 * request has none, and forwards everything else as it came — method, path, body, and in
 * particular the client's own `Host` and `Origin`, so the DNS-rebinding scenario judges the
 * gateway's guard and not this proxy. Responses (SSE included) are streamed back unbuffered, and a
 * client that hangs up closes the upstream request too (SSE polling/resumption depend on it).
 * It is test tooling: loopback only, no retries, no caching, no rewriting of bodies.
 */
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  request as httpRequest
} from "node:http"
import type { AddressInfo } from "node:net"

export interface AuthProxyOptions {
  /** The gateway's origin, e.g. `http://127.0.0.1:4100` (loopback). */
  readonly target: URL
  readonly token: string
  readonly spaceId: string
}

export interface AuthProxy {
  /** `http://127.0.0.1:<port>`; the suite is pointed at `${url}/mcp`. */
  readonly url: string
  readonly close: () => Promise<void>
}

// Hop-by-hop headers belong to one connection; Node re-frames bodies on each side itself.
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer"
])

const forwardable = (headers: IncomingHttpHeaders): OutgoingHttpHeaders => {
  const out: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) out[name] = value
  }
  return out
}

export const startAuthProxy = (options: AuthProxyOptions): Promise<AuthProxy> => {
  const agent = new Agent({ keepAlive: true })
  const server = createServer((incoming, outgoing) => {
    const headers = forwardable(incoming.headers)
    // Host and Origin stay exactly as the client sent them; only missing credentials are added.
    if (headers["authorization"] === undefined) headers["authorization"] = `Bearer ${options.token}`
    if (headers["x-mana-space"] === undefined) headers["x-mana-space"] = options.spaceId
    const upstream = httpRequest({
      agent,
      protocol: options.target.protocol,
      hostname: options.target.hostname,
      port: options.target.port,
      method: incoming.method,
      path: incoming.url,
      headers
    }, (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.statusMessage, forwardable(response.headers))
      // Send the head now: an SSE stream may stay silent for a while before its first event.
      outgoing.flushHeaders()
      response.pipe(outgoing)
      response.on("error", () => outgoing.destroy())
    })
    upstream.on("error", (error) => {
      if (outgoing.headersSent) {
        outgoing.destroy()
        return
      }
      outgoing.writeHead(502, { "content-type": "text/plain" })
      outgoing.end(`conformance proxy: gateway unreachable (${error.message})`)
    })
    // The client hanging up (e.g. closing an SSE stream) must reach the gateway as a hang-up too.
    outgoing.on("close", () => {
      if (!outgoing.writableFinished) upstream.destroy()
    })
    incoming.pipe(upstream)
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            agent.destroy()
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
}
