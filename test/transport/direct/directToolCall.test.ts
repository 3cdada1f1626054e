/**
 * Which requests take the direct read path: only a plain 2026-07-28 `tools/call` of a read tool
 * that the SDK would accept as it is; everything else goes the SDK's way.
 */
import { describe, expect, it } from "vitest"
import { directToolCallOf, directToolsListOf } from "../../../src/transport/direct/directToolCall.ts"
import { routeOf } from "../../../src/transport/http/requestEra.ts"

const envelope = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "agent-x", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {}
}
const reads = new Set(["habits.list"])

const classify = (
  options: {
    readonly headers?: Record<string, string | undefined>
    readonly params?: Record<string, unknown>
    readonly meta?: Record<string, unknown>
    readonly method?: string
  } = {}
) => {
  const method = options.method ?? "tools/call"
  const headers = Object.fromEntries(
    Object.entries({
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      "mcp-name": "habits.list",
      ...options.headers
    }).flatMap(([name, value]) => value === undefined ? [] : [[name, value]])
  )
  const body = {
    jsonrpc: "2.0",
    id: 9,
    method,
    params: { name: "habits.list", arguments: {}, ...options.params, _meta: { ...envelope, ...options.meta } }
  }
  const request = new Request("http://127.0.0.1/mcp", { method: "POST", headers })
  return directToolCallOf(request, routeOf(request, body), body, (name) => reads.has(name))
}

describe("directToolCallOf", () => {
  it("takes a plain read call, with the client's name and traceparent for the audit and the span", () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    expect(classify({ meta: { traceparent } })).toEqual({
      id: 9,
      name: "habits.list",
      args: {},
      clientName: "agent-x",
      traceparent
    })
  })

  it.each([
    ["a write tool", { params: { name: "habits.create" }, headers: { "mcp-name": "habits.create" } }],
    ["a log level (the SDK may send log messages first)", { meta: { "io.modelcontextprotocol/logLevel": "info" } }],
    ["a progress token", { meta: { progressToken: 1 } }],
    ["request state of a confirmation round", { params: { requestState: "s" } }],
    ["input responses", { params: { inputResponses: {} } }],
    ["arguments that are not an object", { params: { arguments: [1] } }],
    ["no Mcp-Name header", { headers: { "mcp-name": undefined } }],
    ["an Mcp-Name header naming another tool", { headers: { "mcp-name": "todo.list" } }],
    ["an Mcp-Name header in Base64 sentinel form", { headers: { "mcp-name": "=?base64?aGFiaXRzLmxpc3Q=?=" } }],
    ["no MCP-Protocol-Version header", { headers: { "mcp-protocol-version": undefined } }],
    ["a header version other than the envelope's", { headers: { "mcp-protocol-version": "2026-09-01" } }],
    ["a revision this SDK does not serve", {
      headers: { "mcp-protocol-version": "2027-01-01" },
      meta: { "io.modelcontextprotocol/protocolVersion": "2027-01-01" }
    }],
    ["another method", { method: "tools/list" }]
  ])("leaves %s to the SDK", (_label, options) => {
    expect(classify(options)).toBeUndefined()
  })

  it("leaves a 2025-era request (no envelope) to the SDK", () => {
    const body = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "habits.list", arguments: {} } }
    const request = new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: { "mcp-protocol-version": "2025-11-25", "mcp-session-id": "s" }
    })
    expect(directToolCallOf(request, routeOf(request, body), body, () => true)).toBeUndefined()
  })
})

describe("directToolsListOf", () => {
  const list = (params: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const body = { jsonrpc: "2.0", id: "l", method: "tools/list", params: { ...params, _meta: envelope } }
    const request = new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list", ...headers }
    })
    return directToolsListOf(request, routeOf(request, body), body)
  }

  it("takes the first page of a plain tools/list", () => {
    expect(list({})).toBe("l")
  })

  it.each([
    ["a cursor (a later page)", { cursor: "c" }, {}],
    ["an Mcp-Name header", {}, { "mcp-name": "x" }],
    ["an Mcp-Method header naming another method", {}, { "mcp-method": "tools/call" }]
  ])("leaves %s to the SDK", (_label, params, headers) => {
    expect(list(params, headers)).toBeUndefined()
  })
})
