/**
 * A bounded in-memory map whose entries expire at an absolute time read from the Effect Clock
 * (so TestClock drives expiry), plus the SHA-256 hex digest used to key it. Auth keeps verified
 * tokens here under their digest, never the raw token; SpaceDirectory keeps space lists per user.
 * When full, the oldest insertion is evicted. Not responsible for what the values mean.
 */
import { Clock, Effect, Option } from "effect"
import { createHash } from "node:crypto"

export interface ExpiringCache<A> {
  /** The live value for `key`; an expired entry is dropped and reported as None. */
  readonly get: (key: string) => Effect.Effect<Option.Option<A>>
  /** Stores `value` until `expiresAtMillis` (epoch milliseconds). */
  readonly set: (key: string, value: A, expiresAtMillis: number) => Effect.Effect<void>
  readonly invalidate: (key: string) => Effect.Effect<void>
  readonly size: Effect.Effect<number>
}

interface Entry<A> {
  readonly value: A
  readonly expiresAt: number
}

export const makeExpiringCache = <A>(capacity: number): Effect.Effect<ExpiringCache<A>> =>
  Effect.sync(() => {
    // A JS Map, owned by this one cache instance: its insertion order gives oldest-first eviction
    // for free, and every access is a synchronous step, so no interleaving can tear it.
    const entries = new Map<string, Entry<A>>()
    return {
      get: (key) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          const entry = entries.get(key)
          if (entry === undefined) return Option.none()
          if (entry.expiresAt <= now) {
            entries.delete(key)
            return Option.none()
          }
          return Option.some(entry.value)
        }),
      set: (key, value, expiresAt) =>
        Effect.sync(() => {
          entries.delete(key)
          while (entries.size >= capacity) {
            const oldest = entries.keys().next()
            if (oldest.done === true) break
            entries.delete(oldest.value)
          }
          entries.set(key, { value, expiresAt })
        }),
      invalidate: (key) => Effect.sync(() => void entries.delete(key)),
      size: Effect.sync(() => entries.size)
    }
  })

/**
 * Lowercase hex SHA-256 of `text`. Synchronous (`node:crypto`, which Bun implements natively):
 * it runs on every request, and Web Crypto's promise-based digest cost a scheduler round trip
 * and several times the CPU of the hash itself.
 */
export const sha256Hex = (text: string): Effect.Effect<string> =>
  Effect.sync(() => createHash("sha256").update(text).digest("hex"))
