/**
 * A loopback HTTP proxy that lets the MCP conformance suite (which sends no credentials) reach the
 * gateway's `/mcp`: it adds `Authorization: Bearer <dev token>` and `X-Mana-Space` when the
 * request has none, and forwards everything else as it came — method, path, body, and in
 * particular the client's own `Host` and `Origin`, so the DNS-rebinding scenario judges the
 * gateway's guard and not this proxy. Responses (SSE included) are streamed back unbuffered, and a
 * client that hangs up closes the upstream request too (SSE polling/resumption depend on it).
 * It is test tooling: loopback only, no retries, no caching, no rewriting of bodies.
 */
import { Agent, createServer, request as httpRequest } from "node:http"
import {
  failWith502,
  forwardable,
  hangUpWith,
  listenLoopback,
  relayBody,
  relayHead
} from "../../test/harness/loopbackProxy.ts"

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
      relayHead(response, outgoing)
      relayBody(response, outgoing)
    })
    upstream.on("error", (error) => failWith502(outgoing, `conformance proxy: gateway unreachable (${error.message})`))
    hangUpWith(outgoing, upstream)
    incoming.pipe(upstream)
  })
  return listenLoopback(server, agent)
}
