/**
 * isLegacyRoute(routeOf(…)) decides exactly as the SDK's isLegacyRequest (with the parsed body), over
 * generated combinations of HTTP method, era headers and body shapes: sessions, initialize,
 * modern envelopes, notifications, posted responses, batches and junk.
 */
import { isLegacyRequest } from "@modelcontextprotocol/server"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { isLegacyRoute, routeOf } from "../../../src/transport/http/requestEra.ts"

const envelope = (version: string) => ({
  "io.modelcontextprotocol/protocolVersion": version,
  "io.modelcontextprotocol/clientInfo": { name: "t", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {}
})

const version = fc.constantFrom("2025-11-25", "2025-06-18", "2026-07-28", "1999-01-01")
const method = fc.constantFrom("initialize", "tools/call", "tools/list", "ping", "notifications/initialized")
const body = fc.oneof(
  fc.record({ jsonrpc: fc.constant("2.0"), id: fc.integer(), method, params: fc.constant({}) }),
  fc.tuple(method, version).map(([name, v]) => ({
    jsonrpc: "2.0",
    id: 1,
    method: name,
    params: { _meta: envelope(v) }
  })),
  fc.constant({ jsonrpc: "2.0", method: "notifications/initialized" }),
  fc.constant({ jsonrpc: "2.0", id: "srv~1", result: {} }),
  fc.constant([{ jsonrpc: "2.0", id: 1, method: "ping" }]),
  fc.constant(null),
  fc.constant({ hello: "world" })
)
const headers = fc.record({
  "mcp-protocol-version": fc.option(version, { nil: undefined }),
  "mcp-method": fc.option(method, { nil: undefined }),
  "mcp-name": fc.option(fc.constantFrom("habits.list", "x"), { nil: undefined })
}, { requiredKeys: [] })

const requestOf = (httpMethod: string, given: Record<string, string | undefined>, parsed: unknown) => {
  const present = Object.fromEntries(
    Object.entries(given).filter((entry): entry is [string, string] => entry[1] !== undefined)
  )
  return new Request("http://127.0.0.1:3069/mcp", {
    method: httpMethod,
    headers: { "content-type": "application/json", ...present },
    ...(httpMethod === "POST" ? { body: JSON.stringify(parsed) } : {})
  })
}

describe("isLegacyRoute(routeOf(…))", () => {
  it("agrees with the SDK's isLegacyRequest", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("POST", "GET", "DELETE"), headers, body, async (httpMethod, given, parsed) => {
        const request = requestOf(httpMethod, given, parsed)
        const parsedBody = httpMethod === "POST" ? parsed : undefined
        const sdk = await isLegacyRequest(request, parsedBody).catch(() => true)
        expect(isLegacyRoute(routeOf(request, parsedBody))).toBe(sdk)
      }),
      { numRuns: 400 }
    )
  })
})
