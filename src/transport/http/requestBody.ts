/**
 * Reads and parses a `/mcp` POST body once, under a size bound, so both protocol legs (and the
 * era classifier and the request metric) share one parse. Refusals are the HTTP answers the MCP
 * transports would give: 415 for a non-JSON media type, 413 over the bound, 400 with a JSON-RPC
 * parse error for invalid JSON. The bound holds while the body streams in, chunked bodies included.
 */
import { DEFAULT_MAX_REQUEST_BODY_SIZE, isJsonContentType, readRequestBody } from "@modelcontextprotocol/server"
import { Effect, Either } from "effect"
import { BodyUnreadable, JsonParseError, PayloadTooLarge, UnsupportedMediaType } from "./HttpFailure.ts"

export const maxRequestBodySize = DEFAULT_MAX_REQUEST_BODY_SIZE

export const readJsonBody = (
  request: Request
): Effect.Effect<unknown, UnsupportedMediaType | PayloadTooLarge | BodyUnreadable | JsonParseError> =>
  Effect.gen(function*() {
    if (!isJsonContentType(request.headers.get("content-type"))) {
      return yield* Effect.fail(new UnsupportedMediaType())
    }
    const declared = Number(request.headers.get("content-length") ?? "0")
    const tooLarge = new PayloadTooLarge({ limit: maxRequestBodySize })
    if (declared > maxRequestBodySize) return yield* Effect.fail(tooLarge)
    // The SDK's bounded read stops at the bound, so a chunked upload without `Content-Length` (or
    // one that lies about it) never costs more than the bound; the rest of the body is cancelled.
    const read = yield* Effect.tryPromise({
      try: async () => {
        const read = await readRequestBody(request, maxRequestBodySize)
        if (read.tooLarge) await request.body?.cancel().catch(() => undefined)
        return read
      },
      catch: () => new BodyUnreadable()
    })
    if (read.tooLarge) return yield* Effect.fail(tooLarge)
    const text = read.text
    return yield* Either.try({
      try: (): unknown => JSON.parse(text),
      catch: () => new JsonParseError()
    })
  })

const knownMethods = new Set([
  "initialize",
  "ping",
  "tools/list",
  "tools/call",
  "server/discover",
  "logging/setLevel",
  "resources/list",
  "resources/read",
  "resources/templates/list",
  "resources/subscribe",
  "resources/unsubscribe",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "subscriptions/listen",
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "notifications/roots/list_changed"
])

/** A low-cardinality label for `mana_mcp_requests_total{method}`: unknown methods are "other". */
export const methodLabel = (httpMethod: string, body: unknown): string => {
  if (httpMethod !== "POST") return httpMethod
  if (Array.isArray(body)) return "batch"
  if (typeof body !== "object" || body === null) return "other"
  const method = "method" in body ? body.method : undefined
  if (method === undefined) return "response"
  return typeof method === "string" && knownMethods.has(method) ? method : "other"
}
