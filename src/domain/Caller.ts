/**
 * Caller: who is calling and in which space, taken from the HTTP request that carries the call
 * (never from the request that opened an MCP session), so a client can refresh its token or
 * switch space mid-session. Provided per tool call; it has no default.
 */
import { Context, type Redacted, type Tracer } from "effect"
import type { Principal } from "./Principal.ts"

export interface CallerShape {
  readonly principal: Principal
  /** The verified `X-Mana-Space`: a space the principal is a member of. */
  readonly spaceId: string
  /**
   * The caller's personal space, when mana-auth lists one. Reads in the personal space also
   * include `_personal:<userId>` sentinel rows and legacy rows without a space (docs/upstreams.md §3.6).
   */
  readonly personalSpaceId?: string | undefined
  /** The caller's own JWT, forwarded to mana-sync and the vault; never logged. */
  readonly token: Redacted.Redacted<string>
  /** W3C `traceparent` of the request, if the client sent one. */
  readonly traceparent?: string | undefined
  /** The span of the HTTP request that carries the call (when traced): the tool span's parent. */
  readonly requestSpan?: Tracer.AnySpan | undefined
  /** `legacy`: a 2025-era request (session or not); `modern`: 2026-07-28 per-request. */
  readonly era?: "legacy" | "modern" | undefined
  /** The 2025-era `Mcp-Session-Id`, when the call belongs to a session. */
  readonly sessionId?: string | undefined
  /** The MCP client's self-declared name (`clientInfo.name`), for the audit trail; not an identity. */
  readonly clientName?: string | undefined
}

export class Caller extends Context.Tag("mana-mcp/Caller")<Caller, CallerShape>() {}

/**
 * The form in which the transport hands a caller to the MCP SDK (`authInfo.extra.caller`):
 * a class, so the tool side can recognise it with `instanceof` instead of a cast.
 */
export class CallerEnvelope {
  constructor(readonly caller: CallerShape) {}
}
