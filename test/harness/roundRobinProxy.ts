/**
 * A round-robin loopback HTTP load balancer in front of several gateway instances, with no
 * session affinity: request N goes to backend N mod k, whatever its `Mcp-Session-Id`. A backend
 * that refuses the connection (stopped) is skipped, as a balancer's health check would. Responses,
 * SSE included, are streamed unbuffered; `cutNextStream` lets a test break one SSE response after
 * its first event, the way a flaky network would. `steerAway` sends one chosen request to another
 * backend than an earlier one went to, so a test of "handled by the other instance" does not
 * depend on how many requests the client happened to send in between (round-robin alone made it
 * flaky under load). Test and benchmark tooling: loopback only.
 */
import { Agent, createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from "node:http"
import { failWith502, forwardable, hangUpWith, listenLoopback, relayBody, relayHead } from "./loopbackProxy.ts"

export interface ServedRequest {
  readonly backend: number
  readonly method: string
  readonly body: string
  readonly lastEventId: string | undefined
}

export interface RoundRobinProxy {
  readonly url: string
  /** Every answered request, in order: the backend's index, the method and the request body. */
  readonly served: Array<ServedRequest>
  /** The next SSE response whose request body contains `marker` is cut after its first event. */
  readonly cutNextStream: (marker: string) => void
  /**
   * The next request matching `which` goes to a backend other than the one the latest request
   * matching `awayFrom` was sent to (round-robin otherwise).
   */
  readonly steerAway: (which: (request: RequestSeen) => boolean, awayFrom: (request: RequestSeen) => boolean) => void
  readonly close: () => Promise<void>
}

/** A request as the proxy sees it when it picks a backend. */
export interface RequestSeen {
  readonly method: string
  readonly body: string
  readonly lastEventId: string | undefined
}

const readBody = (incoming: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
    incoming.on("end", () => resolve(Buffer.concat(chunks)))
    incoming.on("error", reject)
  })

export const startRoundRobinProxy = (backends: ReadonlyArray<string>): Promise<RoundRobinProxy> => {
  const agent = new Agent({ keepAlive: true })
  const served: Array<ServedRequest> = []
  let next = 0
  let cutMarker: string | undefined
  const dispatched: Array<RequestSeen & { readonly backend: number }> = []
  let steer: { which: (request: RequestSeen) => boolean; awayFrom: (request: RequestSeen) => boolean } | undefined

  const pickBackend = (seen: RequestSeen, attempt: number) => {
    const rule = steer
    if (attempt === 0 && rule !== undefined && rule.which(seen)) {
      steer = undefined
      const avoided = dispatched.findLast(rule.awayFrom)?.backend
      if (avoided !== undefined) return (avoided + 1) % backends.length
    }
    return next++ % backends.length
  }

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer, attempt: number) => {
    const lastEventIdHeader = incoming.headers["last-event-id"]
    const seen: RequestSeen = {
      method: incoming.method ?? "",
      body: body.toString("utf8"),
      lastEventId: typeof lastEventIdHeader === "string" ? lastEventIdHeader : undefined
    }
    const index = pickBackend(seen, attempt)
    dispatched.push({ ...seen, backend: index })
    const target = new URL(backends[index] ?? "")
    const cut = cutMarker !== undefined && body.includes(cutMarker)
    if (cut) cutMarker = undefined
    const upstream = httpRequest({
      agent,
      hostname: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: forwardable(incoming.headers)
    }, (response) => {
      const lastEventId = incoming.headers["last-event-id"]
      served.push({
        backend: index,
        method: incoming.method ?? "",
        body: body.toString("utf8"),
        lastEventId: typeof lastEventId === "string" ? lastEventId : undefined
      })
      relayHead(response, outgoing)
      if (cut && String(response.headers["content-type"]).includes("text/event-stream")) {
        // Pass the first event (the priming event with its id), then drop the connection.
        response.once("data", (chunk: Buffer) => {
          outgoing.write(chunk)
          setTimeout(() => {
            response.destroy()
            outgoing.destroy()
          }, 20)
        })
        return
      }
      relayBody(response, outgoing)
    })
    upstream.on("error", () => {
      if (!outgoing.headersSent && attempt + 1 < backends.length) return forward(incoming, outgoing, body, attempt + 1)
      failWith502(outgoing, "round-robin proxy: no backend reachable")
    })
    hangUpWith(outgoing, upstream)
    upstream.end(body)
  }

  const server = createServer((incoming, outgoing) => {
    readBody(incoming).then(
      (body) => forward(incoming, outgoing, body, 0),
      () => outgoing.destroy()
    )
  })
  return listenLoopback(server, agent).then(({ close, url }) => ({
    url,
    served,
    cutNextStream: (marker: string) => {
      cutMarker = marker
    },
    steerAway: (which, awayFrom) => {
      steer = { which, awayFrom }
    },
    close
  }))
}
