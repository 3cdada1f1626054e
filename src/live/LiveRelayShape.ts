/** The LiveRelay contract, apart from its layers (the Redis one imports it). */
import type { Duration, Effect, Scope } from "effect"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

export interface LiveHandlers {
  readonly notice: (userId: string, appId: string, tables: ReadonlyArray<string>) => Effect.Effect<void>
  /** A connection came up (`connection`: its id) or went down (`undefined`), as the holder says. */
  readonly status: (userId: string, connection: string | undefined) => Effect.Effect<void>
}

export interface LiveRelayShape {
  /** Hands a notice learned on this instance's connection to every instance. */
  readonly notice: (
    userId: string,
    appId: string,
    tables: ReadonlyArray<string>
  ) => Effect.Effect<void, StateStoreUnavailable>
  readonly status: (userId: string, connection: string | undefined) => Effect.Effect<void, StateStoreUnavailable>
  /** Takes or renews the right to hold the user's connection; false while another instance holds it. */
  readonly claim: (userId: string) => Effect.Effect<boolean>
  readonly release: (userId: string) => Effect.Effect<void>
  /** Delivers what every instance publishes until the scope closes; `held` lists this instance's live connections for the heartbeat. */
  readonly listen: (
    handlers: LiveHandlers,
    held: () => ReadonlyArray<readonly [string, string]>
  ) => Effect.Effect<void, never, Scope.Scope>
  /** How often a holder should renew its claim. */
  readonly renewEvery: Duration.Duration
}
