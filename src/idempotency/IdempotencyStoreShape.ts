/** The contract of IdempotencyStore, apart from its layers so that they need not import the service. */
import { Duration, type Effect, type Option } from "effect"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

/** One remembered answer. `output` is the tool's encoded output (plain JSON). */
export interface Remembered {
  readonly tool: string
  /** Hash of (tool, space, arguments without the key): equal only for a retry of the same call. */
  readonly fingerprint: string
  readonly output: unknown
}

export interface IdempotencyStoreShape {
  /** The answer remembered for (userId, key) within the retention, if any. */
  readonly recall: (userId: string, key: string) => Effect.Effect<Option.Option<Remembered>, StateStoreUnavailable>
  /** Remembers the first answer for (userId, key); a later `remember` of the same pair keeps the first. */
  readonly remember: (userId: string, key: string, entry: Remembered) => Effect.Effect<void, StateStoreUnavailable>
}

/** How long an answer is remembered: a client's retries of one call happen well within a day. */
export const idempotencyRetention = Duration.hours(24)
