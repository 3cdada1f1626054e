/**
 * Reads and parses a `/mcp` POST body once, under a size bound, so both protocol legs (and the
 * era classifier and the request metric) share one parse. Refusals are the HTTP answers the MCP
 * transports would give: 415 for a non-JSON media type, 413 over the bound, 400 with a JSON-RPC
 * parse error for invalid JSON. The bound holds while the body streams in, chunked bodies included.
 */
import { DEFAULT_MAX_REQUEST_BODY_SIZE, isJsonContentType, readRequestBody } from "@modelcontextprotocol/server"
import { Effect, Either } from "effect"
import { errorResponse, jsonResponse } from "./httpResponses.ts"

export const maxRequestBodySize = DEFAULT_MAX_REQUEST_BODY_SIZE

const parseError = (message: string) =>
  jsonResponse(400, { jsonrpc: "2.0", id: null, error: { code: -32700, message } })

export const readJsonBody = (request: Request): Effect.Effect<unknown, Response> =>
  Effect.gen(function*() {
    if (!isJsonContentType(request.headers.get("content-type"))) {
      return yield* Effect.fail(
        errorResponse(415, "unsupported_media_type", "POST /mcp needs Content-Type: application/json")
      )
    }
    const declared = Number(request.headers.get("content-length") ?? "0")
    const tooLarge = errorResponse(
      413,
      "payload_too_large",
      `Request bodies are limited to ${maxRequestBodySize} bytes`
    )
    if (declared > maxRequestBodySize) return yield* Effect.fail(tooLarge)
    // The SDK's bounded read stops at the bound, so a chunked upload without `Content-Length` (or
    // one that lies about it) never costs more than the bound; the rest of the body is cancelled.
    const read = yield* Effect.tryPromise({
      try: async () => {
        const read = await readRequestBody(request, maxRequestBodySize)
        if (read.tooLarge) await request.body?.cancel().catch(() => undefined)
        return read
      },
      catch: () => errorResponse(400, "bad_request", "The request body could not be read")
    })
    if (read.tooLarge) return yield* Effect.fail(tooLarge)
    const text = read.text
    return yield* Either.try({
      try: (): unknown => JSON.parse(text),
      catch: () => parseError("Parse error: the body is not valid JSON")
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
