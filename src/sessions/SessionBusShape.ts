/** The SessionBus contract, apart from its layers (the Redis one imports it). */
import type { Effect, Scope } from "effect"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

export interface SessionBusHandlers {
  readonly closed: (sessionId: string) => Effect.Effect<void>
  readonly response: (sessionId: string, message: unknown) => Effect.Effect<void>
}

export interface SessionBusShape {
  /** This instance's id: server→client request ids carry it, so answers can find their way back. */
  readonly instanceId: string
  /** Tells every other instance these sessions are gone. */
  readonly announceClosed: (sessionIds: ReadonlyArray<string>) => Effect.Effect<void, StateStoreUnavailable>
  /** Hands a client's JSON-RPC response to `instanceId`; false when no such instance listens. */
  readonly forward: (
    instanceId: string,
    sessionId: string,
    message: unknown
  ) => Effect.Effect<boolean, StateStoreUnavailable>
  /** Delivers other instances' messages to `handlers` until the scope closes. */
  readonly listen: (handlers: SessionBusHandlers) => Effect.Effect<void, StateStoreUnavailable, Scope.Scope>
}
