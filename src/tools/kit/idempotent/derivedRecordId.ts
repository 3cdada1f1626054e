/**
 * Record ids for calls with an idempotency key: derived from (user, key, slot) instead of drawn at
 * random, so a retried push — after a crash between the push and the answer, or on another
 * instance — writes the same record in mana-sync (an insert is an upsert there), never a second
 * one. `slot` tells apart the records of one call (a bulk create's items). The id is shaped as a
 * UUID v4 (version and variant bits set) like every other Mana id.
 */
import { Effect, Option } from "effect"
import { createHash } from "node:crypto"
import { Caller } from "../../../domain/Caller.ts"
import { Ids } from "../../../domain/Ids.ts"
import { CallKey } from "./CallKey.ts"

export const derivedRecordId = (userId: string, key: string, slot: number): string => {
  const bytes = createHash("sha256").update(`mana-mcp idempotent record\u0000${userId}\u0000${key}\u0000${slot}`)
    .digest()
    .subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The id of a record this call creates: derived when the call has a key, else a fresh UUID. */
export const newRecordId = (slot = 0): Effect.Effect<string, never, Ids | Caller> =>
  Effect.gen(function*() {
    const callKey = yield* Effect.serviceOption(CallKey)
    if (Option.isNone(callKey)) return yield* Effect.flatMap(Ids, (ids) => ids.uuid)
    const caller = yield* Caller
    return derivedRecordId(caller.principal.userId, callKey.value.key, slot)
  })
