/**
 * One 2026-07-28 request over HTTP without an SDK client, as e2e tests and benchmarks send it to
 * look at the raw answer: the routing headers as the body says (`Mcp-Method`, and `Mcp-Name` for a
 * named tool), the per-request `_meta` envelope, and the JSON-RPC message of the answer whether it
 * came as JSON or as SSE.
 */
import type { RequestId } from "@modelcontextprotocol/client"

/** The per-request `_meta` envelope of a 2026-07-28 request. */
export const modernEnvelope = (version = "2026-07-28", capabilities: object = {}) => ({
  "io.modelcontextprotocol/protocolVersion": version,
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": capabilities
})

export interface ModernPostOptions {
  readonly id?: RequestId
  /** More `_meta` keys (a progress token, a log level), beside the envelope. */
  readonly meta?: Readonly<Record<string, unknown>>
  /** The client capabilities the envelope declares (default none). */
  readonly capabilities?: object
}

export const postModern = (
  mcpUrl: string,
  headers: Readonly<Record<string, string>>,
  method: string,
  params: Readonly<Record<string, unknown>> = {},
  options: ModernPostOptions = {}
): Promise<Response> => {
  const name = typeof params["name"] === "string" ? { "mcp-name": params["name"] } : {}
  return fetch(mcpUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
      ...name,
      ...headers
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: options.id ?? 1,
      method,
      params: { ...params, _meta: { ...modernEnvelope("2026-07-28", options.capabilities), ...options.meta } }
    })
  })
}

/** The JSON-RPC message of an answer: a JSON body, or the first non-empty `data:` line of an SSE one. */
export const messageOf = async <T = { result?: Record<string, unknown>; error?: unknown }>(
  response: Response
): Promise<T> => {
  const text = await response.text()
  const json = text.startsWith("{")
    ? text
    : text.split("\n").find((line) => line.startsWith("data: ") && line.length > 6)?.slice(6)
  return JSON.parse(json ?? "{}") as T
}
