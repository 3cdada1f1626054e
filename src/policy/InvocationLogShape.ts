/**
 * The InvocationLog contract (rate-limit counts per user and tool), apart from its layers so the
 * memory and Redis implementations import it without importing the service that picks them.
 */
import type { Duration, Effect, Option } from "effect"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

export interface RecentCalls {
  /** Recorded calls with a timestamp within the window (now − window ≤ t ≤ now). */
  readonly count: number
  /** Epoch millis of the oldest of those calls. */
  readonly oldestAt: Option.Option<number>
}

/** Whether `admit` records the call it counted: always, only while under `limit`, or never. */
export type RecordWhen = "always" | "under-limit" | "never"

export interface Admission {
  readonly window: Duration.Duration
  readonly limit: number
  readonly record: RecordWhen
}

export interface InvocationLogShape {
  /** Most calls remembered per user and tool; `recentCalls` never reports more. */
  readonly capacity: number
  /**
   * Atomically: counts `userId`'s calls of `tool` within the window (before this one), then
   * records this call now as `record` says. Returns the count.
   */
  readonly admit: (
    userId: string,
    tool: string,
    admission: Admission
  ) => Effect.Effect<RecentCalls, StateStoreUnavailable>
  /** Records that `userId` called `tool` now. */
  readonly record: (userId: string, tool: string) => Effect.Effect<void, StateStoreUnavailable>
  /** Calls of `tool` by `userId` within the last `window`. */
  readonly recentCalls: (
    userId: string,
    tool: string,
    window: Duration.Duration
  ) => Effect.Effect<RecentCalls, StateStoreUnavailable>
}

export interface InvocationLogOptions {
  readonly perKeyCapacity: number
  readonly maxKeys: number
  /** Timestamps older than this are pruned; set it to the longest rate window in use. */
  readonly retention: Duration.Duration
}
