/**
 * The clients registered through RFC 7591, in memory and bounded, since registration needs no
 * credentials. A registration nobody used (no token was ever issued to it) is dropped after an
 * hour, and at most 1 000 such are kept (the oldest goes first); a client that received tokens
 * stays while it keeps refreshing, until 30 days without use (a refresh token's lifetime), at
 * most 10 000 (the least recently used goes first). Each address may register at most 30
 * clients per 10 minutes. Every operation is O(1) amortized: two insertion-ordered maps whose
 * oldest entries are pruned from the front, mutated in place — no copy per registration.
 */
import { type Clock, Duration, Effect, Option } from "effect"
import type { OAuthClient } from "./clientMetadata.ts"

export interface RegistrationLimits {
  readonly unusedLifetime: Duration.DurationInput
  readonly idleLifetime: Duration.DurationInput
  readonly maxUnused: number
  readonly maxClients: number
  readonly perAddress: number
  readonly addressWindow: Duration.DurationInput
  readonly maxAddresses: number
}

export const registrationLimits: RegistrationLimits = {
  unusedLifetime: Duration.hours(1),
  idleLifetime: Duration.days(30),
  maxUnused: 1_000,
  maxClients: 10_000,
  perAddress: 30,
  addressWindow: Duration.minutes(10),
  maxAddresses: 10_000
}

interface Entry {
  readonly client: OAuthClient
  readonly since: number
}

interface Window {
  readonly start: number
  readonly count: number
}

/** Drops entries from the front of an insertion-ordered map while `expired` says so. */
const pruneFront = <V>(map: Map<string, V>, expired: (value: V) => boolean) => {
  for (const [key, value] of map) {
    if (!expired(value)) return
    map.delete(key)
  }
}

/** Drops the oldest entries until `map` holds at most `max`. */
const capFront = <V>(map: Map<string, V>, max: number) => {
  for (const key of map.keys()) {
    if (map.size <= max) return
    map.delete(key)
  }
}

export const makeRegisteredClients = (clock: Clock.Clock, limits: RegistrationLimits = registrationLimits) =>
  Effect.sync(() => {
    // Registered, never used: ordered by registration time.
    const unused = new Map<string, Entry>()
    // Received tokens: ordered by last use (a use moves the entry to the end).
    const active = new Map<string, Entry>()
    // Registrations per address in the current fixed window: ordered by window start.
    const windows = new Map<string, Window>()
    const unusedMillis = Duration.toMillis(Duration.decode(limits.unusedLifetime))
    const idleMillis = Duration.toMillis(Duration.decode(limits.idleLifetime))
    const windowMillis = Duration.toMillis(Duration.decode(limits.addressWindow))

    const prune = (now: number) => {
      pruneFront(unused, (entry) => entry.since + unusedMillis <= now)
      pruneFront(active, (entry) => entry.since + idleMillis <= now)
      pruneFront(windows, (window) => window.start + windowMillis <= now)
    }

    /**
     * Counts a registration from `address`; None when allowed, else the seconds until the
     * address may register again.
     */
    const admit = (address: string) =>
      Effect.map(clock.currentTimeMillis, (now) => {
        prune(now)
        const window = windows.get(address)
        if (window !== undefined && window.count >= limits.perAddress) {
          return Option.some(Math.max(1, Math.ceil((window.start + windowMillis - now) / 1000)))
        }
        if (window === undefined) {
          windows.set(address, { start: now, count: 1 })
          capFront(windows, limits.maxAddresses)
        } else {
          windows.set(address, { start: window.start, count: window.count + 1 })
        }
        return Option.none<number>()
      })

    const add = (client: OAuthClient) =>
      Effect.map(clock.currentTimeMillis, (now) => {
        prune(now)
        unused.set(client.clientId, { client, since: now })
        capFront(unused, limits.maxUnused)
      })

    /** The live registration of `clientId`, if any. */
    const get = (clientId: string) =>
      Effect.map(clock.currentTimeMillis, (now): OAuthClient | undefined => {
        const fresh = unused.get(clientId)
        if (fresh !== undefined) return fresh.since + unusedMillis > now ? fresh.client : undefined
        const used = active.get(clientId)
        return used !== undefined && used.since + idleMillis > now ? used.client : undefined
      })

    /** Tokens were issued to `clientId`: it stays registered while it keeps being used. */
    const markUsed = (clientId: string) =>
      Effect.map(clock.currentTimeMillis, (now) => {
        const fresh = unused.get(clientId)
        const entry = fresh !== undefined && fresh.since + unusedMillis > now ? fresh : active.get(clientId)
        if (entry === undefined || (entry !== fresh && entry.since + idleMillis <= now)) return
        unused.delete(clientId)
        active.delete(clientId)
        active.set(clientId, { client: entry.client, since: now })
        capFront(active, limits.maxClients)
      })

    const size = Effect.sync(() => unused.size + active.size)

    return { admit, add, get, markUsed, size }
  })

export type RegisteredClients = Effect.Effect.Success<ReturnType<typeof makeRegisteredClients>>
