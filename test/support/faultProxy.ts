/**
 * A programmable fault proxy for end-to-end fault tests: forwards HTTP requests to an upstream
 * (the dev mana-auth or mana-sync) unless a fault is set for the request, in which case it
 * answers with the fault instead: an error status, 429 with Retry-After, a reset connection, a
 * stall before the headers or in the middle of the body, malformed JSON, a truncated body or a
 * slow drip — or forwards it and drops the whole answer (the upstream did the work, the client
 * never hears of it: a connection cut mid-answer). Plain node:http, loopback only.
 */
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export type Fault =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "rate-limited"; readonly retryAfter: number }
  | { readonly kind: "reset" }
  | { readonly kind: "stall-before-headers" }
  | { readonly kind: "stall-mid-body" }
  | { readonly kind: "malformed-json" }
  | { readonly kind: "truncated-body" }
  | { readonly kind: "slow-drip"; readonly byteEveryMs: number }
  /** Forward the request, read the upstream's whole answer, then reset the client's connection. */
  | { readonly kind: "drop-answer" }

export interface FaultProxy {
  readonly url: string
  /** The fault for requests `applies` selects (default: every request); `undefined` forwards all. */
  readonly set: (fault: Fault | undefined, applies?: (method: string, path: string) => boolean) => void
  /** Requests seen since the last `set`, by method and path. */
  readonly seen: () => ReadonlyArray<string>
  readonly close: () => Promise<void>
}

/** Sends `req` on to `target` as it came (body piped); `onAnswer` takes the upstream's answer. */
const relay = (
  target: URL,
  req: IncomingMessage,
  onAnswer: (answer: IncomingMessage) => void,
  onError: () => void
) => {
  const upstream = httpRequest({
    host: target.hostname,
    port: target.port,
    path: req.url,
    method: req.method,
    headers: { ...req.headers, host: target.host }
  }, onAnswer)
  upstream.on("error", onError)
  req.pipe(upstream)
}

const forward = (target: URL, req: IncomingMessage, res: ServerResponse) =>
  relay(target, req, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  }, () => res.destroy())

/** The upstream gets and stores the request; the client's connection is cut before any answer. */
const forwardThenDrop = (target: URL, req: IncomingMessage) =>
  relay(target, req, (answer) => {
    answer.resume()
    answer.on("end", () => req.socket.destroy())
  }, () => req.socket.destroy())

const misbehave = (fault: Fault, req: IncomingMessage, res: ServerResponse, hanging: Set<ServerResponse>) => {
  req.resume()
  switch (fault.kind) {
    case "status":
      return res.writeHead(fault.status, { "content-type": "text/plain" }).end(`fault ${fault.status}\n`)
    case "rate-limited":
      return res.writeHead(429, { "retry-after": String(fault.retryAfter) }).end("slow down\n")
    case "reset":
      return req.socket.destroy()
    case "stall-before-headers":
      return void hanging.add(res)
    case "stall-mid-body":
      hanging.add(res)
      res.writeHead(200, { "content-type": "application/json" })
      return void res.write("{\"serverChanges\":[")
    case "malformed-json":
      return res.writeHead(200, { "content-type": "application/json" }).end("{\"serverChanges\": [oops")
    case "truncated-body":
      res.writeHead(200, { "content-type": "application/json", "content-length": "500" })
      res.write("{\"serverChanges\":[],\"synced")
      return void setTimeout(() => req.socket.destroy(), 20)
    case "slow-drip": {
      hanging.add(res)
      res.writeHead(200, { "content-type": "application/json" })
      const body = "{\"serverChanges\":[],\"syncedUntil\":\"2026-01-01T00:00:00.000Z\"}"
      let index = 0
      const timer = setInterval(() => {
        if (res.destroyed || index >= body.length) {
          clearInterval(timer)
          if (!res.destroyed) res.end()
          return
        }
        res.write(body[index++])
      }, fault.byteEveryMs)
      return
    }
  }
}

export const startFaultProxy = async (target: string): Promise<FaultProxy> => {
  const base = new URL(target)
  let fault: Fault | undefined
  let applies: (method: string, path: string) => boolean = () => true
  let seen: Array<string> = []
  const hanging = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    const method = req.method ?? "GET"
    const path = req.url ?? "/"
    seen.push(`${method} ${path}`)
    if (fault?.kind === "drop-answer" && applies(method, path)) forwardThenDrop(base, req)
    else if (fault !== undefined && applies(method, path)) misbehave(fault, req, res, hanging)
    else forward(base, req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    set: (next, predicate = () => true) => {
      for (const res of hanging) res.destroy()
      hanging.clear()
      fault = next
      applies = predicate
      seen = []
    },
    seen: () => seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
