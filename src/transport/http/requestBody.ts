/**
 * Reads and parses a `/mcp` POST body once, under a size bound and a deadline, so both protocol
 * legs (and the era classifier and the request metric) share one parse. The bytes are scanned as
 * they stream in (`bodyScan.ts`): a body over a structural limit is answered before it is parsed,
 * without reading the rest. Refusals are the HTTP answers the MCP transports would give: 415 for
 * a non-JSON media type, 413 over the bound, 400 with a JSON-RPC parse error for invalid JSON;
 * 408 when the body stalls past the deadline. Answers given before the body's end close the
 * connection, so the unread rest is never waited for.
 */
import { DEFAULT_MAX_REQUEST_BODY_SIZE, isJsonContentType } from "@modelcontextprotocol/server"
import { Duration, Effect, Either } from "effect"
import { makeBodyScanner, type ScanTrip } from "./bodyScan.ts"
import {
  type ArgumentsOversized,
  BodyTimeout,
  BodyUnreadable,
  JsonParseError,
  type MessageTooDeep,
  PayloadTooLarge,
  UnsupportedMediaType
} from "./HttpFailure.ts"
import { refuseScanned } from "./requestLimits.ts"

export const maxRequestBodySize = DEFAULT_MAX_REQUEST_BODY_SIZE

/** The body length the request declares (0 when it declares none, e.g. chunked). */
export const declaredLength = (request: Request): number => Number(request.headers.get("content-length") ?? "0")

type Read =
  | { readonly _tag: "Body"; readonly bytes: Uint8Array }
  | { readonly _tag: "TooLarge" }
  | { readonly _tag: "Tripped"; readonly trip: ScanTrip }
  | { readonly _tag: "TimedOut" }

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number) => {
  if (chunks.length === 1) return chunks[0]!
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return bytes
}

/**
 * Reads chunk by chunk, scanning each; stops (and cancels the rest) at the bound, a trip or the
 * deadline. The deadline is one plain timer that cancels the reader: an Effect timeout would fork
 * a fiber and an abort controller for every request, most of whose bodies are in hand at once.
 */
const readScanned = async (body: ReadableStream<Uint8Array>, deadlineMillis: number): Promise<Read> => {
  const reader = body.getReader()
  const stop = () => void reader.cancel().catch(() => undefined)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    stop()
  }, deadlineMillis)
  try {
    return await scanAll(reader, stop, () => timedOut)
  } finally {
    clearTimeout(timer)
  }
}

const scanAll = async (
  reader: ReadableStreamDefaultReader<Uint8Array>,
  stop: () => void,
  timedOut: () => boolean
): Promise<Read> => {
  const scanner = makeBodyScanner()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (timedOut()) return { _tag: "TimedOut" }
    if (done) break
    size += value.length
    if (size > maxRequestBodySize) {
      stop()
      return { _tag: "TooLarge" }
    }
    const trip = scanner.feed(value)
    if (trip !== undefined) {
      stop()
      return { _tag: "Tripped", trip }
    }
    chunks.push(value)
  }
  const trip = scanner.end()
  return trip === undefined ? { _tag: "Body", bytes: concat(chunks, size) } : { _tag: "Tripped", trip }
}

const decoder = new TextDecoder()

export type BodyRefusal =
  | UnsupportedMediaType
  | PayloadTooLarge
  | BodyUnreadable
  | BodyTimeout
  | JsonParseError
  | ArgumentsOversized
  | MessageTooDeep

/** Reads the body within `deadline` (from the start of the read); 408 and a closed connection past it. */
export const readJsonBody = (request: Request, deadline: Duration.Duration): Effect.Effect<unknown, BodyRefusal> =>
  Effect.gen(function*() {
    if (!isJsonContentType(request.headers.get("content-type"))) {
      return yield* Effect.fail(new UnsupportedMediaType())
    }
    // Built only when refused: a tagged error captures a stack trace.
    const tooLarge = () => new PayloadTooLarge({ limit: maxRequestBodySize })
    const declared = declaredLength(request)
    if (declared > maxRequestBodySize) return yield* Effect.fail(tooLarge())
    const body = request.body
    if (body === null) return yield* Effect.fail(new JsonParseError())
    const read = yield* Effect.tryPromise({
      try: () => readScanned(body, Duration.toMillis(deadline)),
      catch: () => new BodyUnreadable()
    })
    if (read._tag === "TimedOut") return yield* Effect.fail(new BodyTimeout({ deadline: Duration.format(deadline) }))
    if (read._tag === "TooLarge") return yield* Effect.fail(tooLarge())
    if (read._tag === "Tripped") return yield* Effect.fail(refuseScanned(read.trip))
    return yield* Either.try({
      try: (): unknown => JSON.parse(decoder.decode(read.bytes)),
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
