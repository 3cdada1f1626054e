/**
 * The pieces the loopback test proxies share (`roundRobinProxy.ts`, `conformance/proxy.ts`):
 * which headers may cross a proxy, relaying a response unbuffered (SSE included), and listening
 * on an ephemeral loopback port with a close that also drops kept-alive connections.
 */
import {
  type Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse
} from "node:http"
import type { AddressInfo } from "node:net"

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

/** The end-to-end headers of a request or response. */
export const forwardable = (headers: IncomingHttpHeaders): OutgoingHttpHeaders => {
  const out: OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) out[name] = value
  }
  return out
}

/** Sends the backend's head at once (an SSE stream may stay silent for a while), then streams the body. */
export const relayHead = (response: IncomingMessage, outgoing: ServerResponse) => {
  outgoing.writeHead(response.statusCode ?? 502, response.statusMessage, forwardable(response.headers))
  outgoing.flushHeaders()
}

export const relayBody = (response: IncomingMessage, outgoing: ServerResponse) => {
  response.pipe(outgoing)
  response.on("error", () => outgoing.destroy())
}

/** A client hanging up (e.g. closing an SSE stream) reaches the backend as a hang-up too. */
export const hangUpWith = (outgoing: ServerResponse, upstream: { destroy: () => void }) => {
  outgoing.on("close", () => {
    if (!outgoing.writableFinished) upstream.destroy()
  })
}

/** Answers 502 when nothing was sent yet; otherwise the only honest signal is a cut connection. */
export const failWith502 = (outgoing: ServerResponse, message: string) => {
  if (outgoing.headersSent) return void outgoing.destroy()
  outgoing.writeHead(502, { "content-type": "text/plain" })
  outgoing.end(message)
}

export interface Listening {
  readonly url: string
  readonly close: () => Promise<void>
}

/** Listens on 127.0.0.1 with an ephemeral port. */
export const listenLoopback = (server: Server, agent: Agent): Promise<Listening> =>
  new Promise((resolve, reject) => {
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
