/**
 * Which protocol era a `/mcp` request belongs to, for a body already parsed: the SDK's
 * `isLegacyRequest` decision made synchronously. `isLegacyRequest` classifies with the same public
 * `classifyInboundRequest` (after the same three headers), but returns a promise — one more async
 * step in every request's fiber for a body that is already in hand.
 */
import { classifyInboundRequest } from "@modelcontextprotocol/server"

/** True for 2025-era traffic (sessions, body-less methods, posted responses, no envelope claim). */
export const isLegacyParsed = (request: Request, parsedBody: unknown): boolean => {
  const httpMethod = request.method.toUpperCase()
  // A POST without a JSON body is the SDK's "no-json-body" step: served as legacy.
  if (httpMethod === "POST" && parsedBody === undefined) return true
  const version = request.headers.get("mcp-protocol-version")
  const method = request.headers.get("mcp-method")
  const name = request.headers.get("mcp-name")
  return classifyInboundRequest({
    httpMethod,
    ...(version === null ? {} : { protocolVersionHeader: version }),
    ...(method === null ? {} : { mcpMethodHeader: method }),
    ...(name === null ? {} : { mcpNameHeader: name }),
    ...(httpMethod === "POST" ? { body: parsedBody } : {})
  }).kind === "legacy"
}
