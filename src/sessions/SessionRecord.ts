/**
 * What a 2025-era MCP session is, as plain data any gateway instance can read: its owner, and the
 * client's half of the `initialize` handshake (protocol version, client info, capabilities), which
 * is enough for any instance to rebuild the SDK session through public APIs, and the log level it
 * set since. Plus the errors and
 * the contract both SessionStore layers implement.
 */
import { type Effect, type Option, Schema } from "effect"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

export class SessionNotFound extends Schema.TaggedError<SessionNotFound>()("SessionNotFound", {}) {
  override get message() {
    return "Session not found: it never existed, was closed, or expired after being idle. Start a new session with an initialize request (no Mcp-Session-Id header)."
  }
}

export class SessionForbidden extends Schema.TaggedError<SessionForbidden>()("SessionForbidden", {}) {
  override get message() {
    return "Session belongs to a different user. Start your own session with an initialize request."
  }
}

/** The client's `initialize` parameters, as the client sent them (replayed to rebuild a session). */
export interface SessionHandshake {
  readonly protocolVersion: string
  readonly clientInfo: unknown
  readonly clientCapabilities: unknown
}

export interface NewSession extends SessionHandshake {
  readonly id: string
  readonly userId: string
}

export interface SessionRecord extends NewSession {
  readonly createdAt: number
  readonly lastSeenAt: number
  /** The level of the client's last `logging/setLevel`, replayed with the handshake; absent until it sends one. */
  readonly logLevel?: string
}

export interface SessionStoreShape {
  /** True when sessions outlive this process (a shared store): shutdown must leave them to other instances. */
  readonly shared: boolean
  /**
   * What a session verified by `touch` stays verified under: changes when invalidations (closed
   * sessions) may have been missed — a reconnect of a shared store; `None` while the store is
   * unreachable. The memory store never changes.
   */
  readonly generation: Effect.Effect<Option.Option<number>>
  /** Registers a new session; returns the ids of the owner's sessions closed to respect the per-user cap. */
  readonly create: (session: NewSession) => Effect.Effect<ReadonlyArray<string>, StateStoreUnavailable>
  /**
   * Looks a session up for `userId` and marks it used. Fails with SessionNotFound (unknown, removed
   * or idle-expired), SessionForbidden (another user's), or StateStoreUnavailable.
   */
  readonly touch: (
    id: string,
    userId: string
  ) => Effect.Effect<SessionRecord, SessionNotFound | SessionForbidden | StateStoreUnavailable>
  /** Records the client's `logging/setLevel` level (a session that is gone stays gone). */
  readonly setLogLevel: (id: string, level: string) => Effect.Effect<void, StateStoreUnavailable>
  readonly remove: (id: string) => Effect.Effect<void, StateStoreUnavailable>
  /** Of `ids`, the ones no longer live (removed, evicted or idle-expired); forgets idle sessions. */
  readonly expired: (ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string>, StateStoreUnavailable>
}
