/**
 * Rebuilds, on this instance, an SDK session that was opened on another one — through public SDK
 * APIs only: a fresh transport whose `sessionIdGenerator` returns the stored id is fed the client's
 * stored `initialize` and then `notifications/initialized`, and the synthetic responses are
 * discarded. The `Server` then holds the negotiated protocol version and the client's
 * capabilities exactly as the owner does (a hand-restored transport would lose both); the client's
 * `logging/setLevel`, if it sent one, is replayed the same way. The same path wakes a session this
 * instance hibernated (`LegacySessions`).
 */
import type { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server"
import { Data, Effect } from "effect"
import type { SessionHandshake } from "../../sessions/SessionRecord.ts"
import { logLevelsBySeverity } from "./logLevels.ts"

export class RebuildFailed extends Data.TaggedError("RebuildFailed")<{ readonly step: string }> {}

// No MCP-Protocol-Version header: the one negotiated may differ from the one the client asked for.
const headers = (sessionId: string | undefined) => ({
  accept: "application/json, text/event-stream",
  "content-type": "application/json",
  ...(sessionId === undefined ? {} : { "mcp-session-id": sessionId })
})

/** Posts one synthetic message and reads the answer to its end (it is discarded). */
const post = (
  transport: WebStandardStreamableHTTPServerTransport,
  url: string,
  sessionId: string | undefined,
  message: unknown,
  step: string
) =>
  Effect.tryPromise({
    try: async () => {
      const response = await transport.handleRequest(
        new Request(url, { method: "POST", headers: headers(sessionId), body: "{}" }),
        { parsedBody: message }
      )
      await response.text()
      return response.ok
    },
    catch: () => new RebuildFailed({ step })
  }).pipe(Effect.filterOrFail((ok) => ok, () => new RebuildFailed({ step })))

/** The client's `initialize` parameters, from the body of an initialize request (for the store). */
export const handshakeOf = (parsedBody: unknown): SessionHandshake | undefined => {
  const message = Array.isArray(parsedBody) ? parsedBody[0] : parsedBody
  if (typeof message !== "object" || message === null) return undefined
  const { method, params } = message as { method?: unknown; params?: unknown }
  if (method !== "initialize" || typeof params !== "object" || params === null) return undefined
  const { capabilities, clientInfo, protocolVersion } = params as Record<string, unknown>
  return typeof protocolVersion === "string"
    ? { protocolVersion, clientInfo, clientCapabilities: capabilities ?? {} }
    : undefined
}

const logLevels: ReadonlySet<string> = new Set(logLevelsBySeverity)

const setLevelOf = (message: unknown): string | undefined => {
  if (typeof message !== "object" || message === null) return undefined
  const { method, params } = message as { method?: unknown; params?: unknown }
  if (method !== "logging/setLevel" || typeof params !== "object" || params === null) return undefined
  const level = (params as { level?: unknown }).level
  return typeof level === "string" && logLevels.has(level) ? level : undefined
}

/** The level a POST body's `logging/setLevel` request sets (the last one of a batch), if any. */
export const logLevelOf = (parsedBody: unknown): string | undefined =>
  Array.isArray(parsedBody)
    ? parsedBody.map(setLevelOf).findLast((level) => level !== undefined)
    : setLevelOf(parsedBody)

export const replayHandshake = (
  transport: WebStandardStreamableHTTPServerTransport,
  sessionId: string,
  handshake: SessionHandshake & { readonly logLevel?: string },
  url: string
) =>
  Effect.gen(function*() {
    const initialize = {
      jsonrpc: "2.0",
      id: "rebuild",
      method: "initialize",
      params: {
        protocolVersion: handshake.protocolVersion,
        capabilities: handshake.clientCapabilities,
        clientInfo: handshake.clientInfo
      }
    }
    yield* post(transport, url, undefined, initialize, "initialize")
    if (transport.sessionId !== sessionId) return yield* new RebuildFailed({ step: "session id" })
    yield* post(transport, url, sessionId, { jsonrpc: "2.0", method: "notifications/initialized" }, "initialized")
    if (handshake.logLevel !== undefined) {
      const setLevel = {
        jsonrpc: "2.0",
        id: "rebuild",
        method: "logging/setLevel",
        params: { level: handshake.logLevel }
      }
      yield* post(transport, url, sessionId, setLevel, "log level")
    }
  })
