/**
 * The ConfirmationLedger contract: every layer (memory, Redis) must pass these. `make` builds a
 * fresh ledger with nothing used yet. Expiries are relative to the Effect Clock.
 */
import { assert, it } from "@effect/vitest"
import { Clock, Effect, type Scope } from "effect"
import type { ConfirmationLedgerShape } from "../../src/policy/ConfirmationLedgerShape.ts"

export type MakeLedger = () => Effect.Effect<ConfirmationLedgerShape, unknown, Scope.Scope>

const inTenMinutes = Effect.map(Clock.currentTimeMillis, (now) => now + 600_000)

export const confirmationLedgerContract = (make: MakeLedger) => {
  it.scoped("a state is used once: the first use is true, every later one false", () =>
    Effect.gen(function*() {
      const ledger = yield* make()
      const until = yield* inTenMinutes
      assert.isTrue(yield* ledger.use("state-a", until))
      assert.isFalse(yield* ledger.use("state-a", until))
      assert.isFalse(yield* ledger.use("state-a", until))
    }))

  it.scoped("states are independent", () =>
    Effect.gen(function*() {
      const ledger = yield* make()
      const until = yield* inTenMinutes
      assert.isTrue(yield* ledger.use("state-a", until))
      assert.isTrue(yield* ledger.use("state-b", until))
      assert.isFalse(yield* ledger.use("state-b", until))
    }))

  it.scoped("of 20 concurrent uses of one state exactly one wins", () =>
    Effect.gen(function*() {
      const ledger = yield* make()
      const until = yield* inTenMinutes
      const wins = yield* Effect.all(Array.from({ length: 20 }, () => ledger.use("state-c", until)), {
        concurrency: "unbounded"
      })
      assert.strictEqual(wins.filter(Boolean).length, 1)
    }))
}
