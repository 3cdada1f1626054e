/**
 * ConfirmationLedger: the confirmation states already answered, so each is used once (issue #28,
 * finding 5). A state is signed and self-contained, so without this a client could echo a
 * confirmed state again — after `trash.restore`, say — and delete the record once more without the
 * user being asked. A state is remembered from its first use until it expires (it can never verify
 * after that), so the ledger holds at most the states answered in the last ten minutes. With one
 * instance it lives in this process; with several (`STATE_STORE=redis`) in Redis
 * (`confirmationLedgerRedis.ts`), so an answer used on one instance is used up on all. Two
 * implementations, one contract (test/policy/confirmationLedgerContract.ts).
 */
import { Clock, Effect } from "effect"
import type { ConfirmationLedgerShape } from "./ConfirmationLedgerShape.ts"

/** Most states remembered in memory; past it the oldest (first to expire) is forgotten. */
export const maxRememberedStates = 100_000

/**
 * In this process. Every state lives equally long, so insertion order is expiry order: expired
 * entries are dropped from the front as new ones arrive (amortized O(1) per use).
 */
export const makeConfirmationLedgerMemory = (capacity = maxRememberedStates): ConfirmationLedgerShape => {
  const used = new Map<string, number>()
  const forgetExpired = (now: number) => {
    for (const [id, expiresAt] of used) {
      if (expiresAt > now && used.size <= capacity) break
      used.delete(id)
    }
  }
  return {
    use: (id, expiresAt) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        forgetExpired(now)
        const seen = used.get(id)
        if (seen !== undefined && seen > now) return false
        used.set(id, expiresAt)
        forgetExpired(now)
        return true
      })
  }
}
