/** The WriteFence contract, apart from its layers (the Redis one imports it). */
import type { Effect } from "effect"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

/** Opaque: two equal tokens of one fence mean that no write returned between the two looks. */
export type FenceToken = string

export interface WriteFenceShape {
  /** Moves the fence of (app, table, space); returns once that is durable (Redis: the INCR acknowledged). */
  readonly advance: (app: string, table: string, space: string) => Effect.Effect<void, StateStoreUnavailable>
  /** The fence's token now. */
  readonly current: (app: string, table: string, space: string) => Effect.Effect<FenceToken, StateStoreUnavailable>
  /**
   * `current` as a plain call, when the fence lives in this process: the read path's fast lane (no
   * Effect, no allocation). `undefined` when the fence must be asked for (Redis).
   */
  readonly currentInProcess: ((app: string, table: string, space: string) => FenceToken) | undefined
}
