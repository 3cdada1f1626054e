/**
 * Which `/mcp` requests the gateway answers without building an SDK `Server`: a 2026-07-28
 * `tools/call` of a tool that never asks the client anything (`isDirectTool`: reads and writes,
 * not destructive tools, which may need a confirmation round) that the SDK would accept as it is
 * and answer with one plain JSON result; a plain first-page `tools/list`; and, on a 2025 session,
 * a plain read. The request is classified by the SDK's own `classifyInboundRequest`; on top of that
 * only the plainest form qualifies — the standard headers spelled exactly as the body says
 * (no Base64 sentinel), no log level or progress token (nothing may be sent before the result),
 * no input responses or request state, no other params. Anything else goes the SDK's way, so
 * this path never accepts what the SDK would refuse, nor answers differently.
 */
import { CLIENT_INFO_META_KEY, LOG_LEVEL_META_KEY, TRACEPARENT_META_KEY } from "@modelcontextprotocol/server"
import { isRecord, isRequestId, type RequestId } from "../http/jsonRpc.ts"
import type { RequestRoute } from "../http/requestEra.ts"

export interface DirectToolCall {
  readonly id: RequestId
  readonly name: string
  readonly args: Readonly<Record<string, unknown>>
  /** `clientInfo.name` of the envelope (audit), and the call's own `traceparent` when it sent one. */
  readonly clientName?: string
  readonly traceparent?: string
}

/**
 * The modern revisions this SDK serves (its `SUPPORTED_MODERN_PROTOCOL_VERSIONS`, not exported):
 * a request naming any other goes the SDK's way and gets its unsupported-version answer.
 */
const servedRevisions: ReadonlySet<string> = new Set(["2026-07-28"])

const allowedParams = new Set(["name", "arguments", "_meta"])
/** `_meta` keys that ask for something sent before the result: the SDK's stream handles those. */
const streamingMeta = [LOG_LEVEL_META_KEY, "progressToken"]

const onlyAllowedParams = (params: Readonly<Record<string, unknown>>) => {
  for (const key in params) if (!allowedParams.has(key)) return false
  return true
}

/** `clientInfo.name` of a 2026-07-28 `_meta` envelope (the SDK server path reads it the same way). */
export const clientNameOf = (meta: Readonly<Record<string, unknown>>): string | undefined => {
  const info = meta[CLIENT_INFO_META_KEY]
  return isRecord(info) && typeof info["name"] === "string" ? info["name"] : undefined
}

/**
 * The modern request's id when it is `method` in the plain form above: the standard headers as
 * the body says (`name`: the Mcp-Name the body implies, `null` for none), the SDK's modern
 * classification of a served revision, and no `_meta` key asking for something before the result.
 */
const plainModernId = (
  request: Request,
  route: RequestRoute,
  method: string,
  meta: Readonly<Record<string, unknown>>,
  name: string | null
): RequestId | undefined => {
  if (streamingMeta.some((key) => meta[key] !== undefined)) return undefined
  const headers = request.headers
  const version = headers.get("mcp-protocol-version")
  if (version === null || headers.get("mcp-method") !== method || headers.get("mcp-name") !== name) {
    return undefined
  }
  if (route === undefined || route.kind !== "modern" || route.messageKind !== "request") return undefined
  const revision = route.classification.revision
  return revision === version && servedRevisions.has(revision) ? route.message.id : undefined
}

/**
 * A `tools/call` body with nothing but a name `isTool` accepts, object arguments and a `_meta`
 * object (none counts as `{}` when `metaOptional`): its parts, with the call's own traceparent.
 */
const plainCallOf = (parsedBody: unknown, isTool: (name: string) => boolean, metaOptional: boolean) => {
  if (!isRecord(parsedBody) || parsedBody["method"] !== "tools/call") return undefined
  const params = parsedBody["params"]
  if (!isRecord(params) || !onlyAllowedParams(params)) return undefined
  const name = params["name"]
  const args = params["arguments"] ?? {}
  const meta = params["_meta"] ?? (metaOptional ? {} : undefined)
  if (typeof name !== "string" || !isTool(name) || !isRecord(args) || !isRecord(meta)) return undefined
  const traceparent = meta[TRACEPARENT_META_KEY]
  return { name, args, meta, ...(typeof traceparent === "string" ? { traceparent } : {}) }
}

/** The call, when `isDirectTool(name)` and the request is in the plain form above; else undefined. */
export const directToolCallOf = (
  request: Request,
  route: RequestRoute,
  parsedBody: unknown,
  isDirectTool: (name: string) => boolean
): DirectToolCall | undefined => {
  const call = plainCallOf(parsedBody, isDirectTool, false)
  if (call === undefined) return undefined
  const id = plainModernId(request, route, "tools/call", call.meta, call.name)
  if (id === undefined) return undefined
  const { meta: _meta, ...parts } = call
  const clientName = clientNameOf(call.meta)
  return { id, ...parts, ...(clientName === undefined ? {} : { clientName }) }
}

/** The id of a plain 2026-07-28 `tools/list` (first page: no cursor, nothing but the envelope). */
export const directToolsListOf = (
  request: Request,
  route: RequestRoute,
  parsedBody: unknown
): RequestId | undefined => {
  if (!isRecord(parsedBody) || parsedBody["method"] !== "tools/list") return undefined
  const params = parsedBody["params"]
  if (!isRecord(params)) return undefined
  for (const key in params) if (key !== "_meta") return undefined
  const meta = params["_meta"]
  return isRecord(meta) ? plainModernId(request, route, "tools/list", meta, null) : undefined
}

/**
 * The 2025-session form: a `tools/call` of a read tool with nothing but its name, arguments and a
 * `_meta` without a progress token. Whether the session's transport would take it as a plain
 * answer (session id, Accept, protocol version) is the session's own check (`acceptsPlain`).
 */
export const legacyReadCallOf = (
  parsedBody: unknown,
  isReadTool: (name: string) => boolean
): DirectToolCall | undefined => {
  const call = plainCallOf(parsedBody, isReadTool, true)
  if (call === undefined || !isRecord(parsedBody) || parsedBody["jsonrpc"] !== "2.0") return undefined
  const id = parsedBody["id"]
  if (!isRequestId(id) || call.meta["progressToken"] !== undefined) return undefined
  const { meta: _meta, ...parts } = call
  return { id, ...parts }
}
