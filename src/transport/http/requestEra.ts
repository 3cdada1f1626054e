/**
 * Which protocol era a `/mcp` request belongs to, for a body already parsed: the SDK's
 * `isLegacyRequest` decision made synchronously. `isLegacyRequest` classifies with the same public
 * `classifyInboundRequest` (after the same three headers), but returns a promise — one more async
 * step in every request's fiber for a body that is already in hand.
 */
import { classifyInboundRequest, type InboundClassificationOutcome } from "@modelcontextprotocol/server"

/** The SDK's classification of a request, or `undefined` for a POST without a JSON body. */
export type RequestRoute = InboundClassificationOutcome | undefined

/** True for 2025-era traffic (sessions, body-less methods, posted responses, no envelope claim). */
export const isLegacyRoute = (route: RequestRoute): boolean => route === undefined || route.kind === "legacy"

/**
 * Classified once per request: the era decision and the direct read path
 * (`transport/direct/directToolCall.ts`) both read it (the classification runs zod guards).
 */
export const routeOf = (request: Request, parsedBody: unknown): RequestRoute => {
  const httpMethod = request.method.toUpperCase()
  // A POST without a JSON body is the SDK's "no-json-body" step: served as legacy.
  if (httpMethod === "POST" && parsedBody === undefined) return undefined
  const version = request.headers.get("mcp-protocol-version")
  const method = request.headers.get("mcp-method")
  const name = request.headers.get("mcp-name")
  return classifyInboundRequest({
    httpMethod,
    ...(version === null ? {} : { protocolVersionHeader: version }),
    ...(method === null ? {} : { mcpMethodHeader: method }),
    ...(name === null ? {} : { mcpNameHeader: name }),
    ...(httpMethod === "POST" ? { body: parsedBody } : {})
  })
}
