/**
 * The in-process IdempotencyStore: a Map in insertion order, so the oldest entry is dropped first
 * when the bound is reached and expiry is checked on lookup (Effect Clock). One instance only.
 */
import { Clock, Duration, Effect, Option } from "effect"
import type { IdempotencyStoreShape, Remembered } from "./IdempotencyStoreShape.ts"

interface Entry {
  readonly remembered: Remembered
  readonly expiresAt: number
}

export const makeIdempotencyStoreMemory = (
  options: { readonly retention: Duration.Duration; readonly maxEntries: number }
): IdempotencyStoreShape => {
  const entries = new Map<string, Entry>()
  const retentionMillis = Duration.toMillis(options.retention)
  // User ids are UUIDs: the separator cannot occur in them.
  const keyOf = (userId: string, key: string) => `${userId}\u0000${key}`
  const live = (id: string, now: number): Entry | undefined => {
    const entry = entries.get(id)
    if (entry === undefined || entry.expiresAt > now) return entry
    entries.delete(id)
    return undefined
  }
  return {
    recall: (userId, key) =>
      Effect.map(
        Clock.currentTimeMillis,
        (now) => Option.map(Option.fromNullable(live(keyOf(userId, key), now)), (entry) => entry.remembered)
      ),
    remember: (userId, key, remembered) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const id = keyOf(userId, key)
        if (live(id, now) !== undefined) return
        if (entries.size >= options.maxEntries) {
          const oldest = entries.keys().next()
          if (oldest.done !== true) entries.delete(oldest.value)
        }
        entries.set(id, { remembered, expiresAt: now + retentionMillis })
      })
  }
}
