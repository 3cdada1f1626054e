/**
 * A minimal OTLP/HTTP trace receiver for end-to-end tests: collects every JSON export the gateway
 * POSTs to `/v1/traces` and keeps the raw bodies, so a test can both walk the span tree and check
 * that no secret appears anywhere in what left the process.
 */
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

export interface ReceivedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind: number
  readonly attributes: Record<string, unknown>
  readonly status: { readonly code?: number; readonly message?: string }
  readonly links: ReadonlyArray<{ readonly traceId: string; readonly spanId: string }>
  readonly events: ReadonlyArray<{ readonly name: string }>
}

export interface OtlpReceiver {
  readonly endpoint: string
  readonly bodies: ReadonlyArray<string>
  readonly headers: ReadonlyArray<IncomingHttpHeaders>
  readonly resources: ReadonlyArray<Record<string, unknown>>
  readonly spans: () => ReadonlyArray<ReceivedSpan>
  /** Resolves once `predicate` holds for the spans received so far (polling; generous timeout). */
  readonly waitFor: (predicate: (spans: ReadonlyArray<ReceivedSpan>) => boolean, timeoutMs?: number) => Promise<void>
  readonly close: () => Promise<void>
}

const attributeValue = (value: Record<string, unknown>): unknown =>
  "stringValue" in value
    ? value["stringValue"]
    : "intValue" in value
    ? Number(value["intValue"])
    : "boolValue" in value
    ? value["boolValue"]
    : "doubleValue" in value
    ? value["doubleValue"]
    : value

const attributesOf = (list: ReadonlyArray<{ key: string; value: Record<string, unknown> }> | undefined) =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, attributeValue(value)]))

export const startOtlpReceiver = async (): Promise<OtlpReceiver> => {
  const bodies: Array<string> = []
  const headers: Array<IncomingHttpHeaders> = []
  const resources: Array<Record<string, unknown>> = []
  const spans: Array<ReceivedSpan> = []
  const server = createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8")
      bodies.push(body)
      headers.push(request.headers)
      if (request.url === "/v1/traces" && request.headers["content-type"]?.includes("json") === true) {
        const data = JSON.parse(body) as any
        for (const resourceSpans of data.resourceSpans ?? []) {
          resources.push(attributesOf(resourceSpans.resource?.attributes))
          for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
            for (const span of scopeSpans.spans ?? []) {
              spans.push({
                ...span,
                attributes: attributesOf(span.attributes),
                links: span.links ?? [],
                events: span.events ?? []
              })
            }
          }
        }
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bodies,
    headers,
    resources,
    spans: () => spans,
    waitFor: async (predicate, timeoutMs = 20_000) => {
      for (let waited = 0; !predicate(spans); waited += 50) {
        if (waited > timeoutMs) throw new Error(`spans not received in ${timeoutMs} ms; got ${spans.length}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
