/**
 * A minimal MCP client over raw `fetch` for load generation: a 2025-era session (initialize,
 * `notifications/initialized`, then calls carrying `Mcp-Session-Id`) and 2026-07-28 per-request
 * calls. Much cheaper than the SDK client, so in a throughput run on shared cores the server,
 * not the load generator, is what saturates. Answers may be JSON or one SSE event. Every call's
 * result is checked: a JSON-RPC error or an `isError` result aborts the run.
 */
import { Schema } from "effect"
import { jsonPostHeaders } from "../test/support/mcpClients.ts"
import { rawModern } from "./harness.ts"

const legacyVersion = "2025-11-25"

const Reply = Schema.Struct({
  result: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  error: Schema.optional(Schema.Unknown)
})
const decodeReply = Schema.decodeUnknownSync(Reply)

/** The JSON-RPC reply in a JSON body or in the last `data:` line of an SSE body. */
const replyOf = async (response: Response) => {
  const text = await response.text()
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) return decodeReply(JSON.parse(text))
  const data = text.split("\n").filter((line) => line.startsWith("data:")).at(-1)
  if (data === undefined) throw new Error(`no SSE data in: ${text.slice(0, 200)}`)
  return decodeReply(JSON.parse(data.slice("data:".length)))
}

export interface RawSession {
  readonly call: (name: string, args?: Record<string, unknown>) => Promise<Record<string, unknown>>
  readonly close: () => Promise<void>
}

/** Opens a 2025-era session on `mcpUrl` with `headers` (authorization, x-mana-space) on every request. */
export const openLegacySession = async (
  mcpUrl: string,
  headers: Readonly<Record<string, string>>
): Promise<RawSession> => {
  const init = await fetch(mcpUrl, {
    method: "POST",
    headers: { ...jsonPostHeaders, ...headers },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: legacyVersion, capabilities: {}, clientInfo: { name: "bench-raw", version: "1" } }
    })
  })
  const sessionId = init.headers.get("mcp-session-id")
  await replyOf(init)
  if (sessionId === null) throw new Error(`initialize gave no session id (HTTP ${init.status})`)
  const sessionHeaders = {
    ...jsonPostHeaders,
    ...headers,
    "mcp-session-id": sessionId,
    "mcp-protocol-version": legacyVersion
  }
  const notified = await fetch(mcpUrl, {
    method: "POST",
    headers: sessionHeaders,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })
  })
  await notified.body?.cancel()
  let nextId = 1
  return {
    call: async (name, args = {}) => {
      const response = await fetch(mcpUrl, {
        method: "POST",
        headers: sessionHeaders,
        body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name, arguments: args } })
      })
      const reply = await replyOf(response)
      if (reply.result === undefined || reply.result["isError"] === true) {
        throw new Error(`${name} failed: ${JSON.stringify(reply.error ?? reply.result)}`)
      }
      return reply.result
    },
    close: async () => {
      const response = await fetch(mcpUrl, { method: "DELETE", headers: sessionHeaders })
      await response.body?.cancel()
    }
  }
}

/** 2026-07-28 per-request calls (no session, nothing to close). */
export const modernCaller = (mcpUrl: string, headers: Readonly<Record<string, string>>): RawSession => ({
  call: (name, args = {}) => rawModern(mcpUrl, headers, "tools/call", { name, arguments: args }),
  close: () => Promise.resolve()
})

/** Checks that `result.structuredContent[key]` is an array of `expected` entries. */
export const expectList = (result: Record<string, unknown>, key: string, expected: number) => {
  const structured = result["structuredContent"]
  const list = typeof structured === "object" && structured !== null && key in structured
    ? (structured as Record<string, unknown>)[key]
    : undefined
  if (!Array.isArray(list) || list.length !== expected) {
    throw new Error(`expected ${expected} ${key}, got ${Array.isArray(list) ? list.length : "none"}`)
  }
}
