/** The ConfirmationLedger contract, apart from its implementations (the Redis one imports it). */
import type { Effect } from "effect"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

export interface ConfirmationLedgerShape {
  /**
   * Marks the state `id` used until `expiresAt` (epoch millis). True when this was its first use,
   * false when it had been used before. Atomic: of two concurrent uses exactly one gets true.
   */
  readonly use: (id: string, expiresAt: number) => Effect.Effect<boolean, StateStoreUnavailable>
}
