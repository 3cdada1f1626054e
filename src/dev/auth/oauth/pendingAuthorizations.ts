/**
 * Authorization requests between the `/authorize` redirect and the user's decision: the
 * validated request, its CSRF token, the signed-in user once the password was right, and a
 * failure count that ends the request after five wrong passwords. Each lives 10 minutes. Anyone
 * can open `/authorize`, so they are bounded: at most 10 000 (the oldest goes first), held in one
 * insertion-ordered map mutated in place and pruned from its oldest end — O(1) per request, never
 * a copy. In memory only.
 */
import { type Clock, Duration, Effect } from "effect"
import { opaqueToken } from "../DevAuthIds.ts"
import type { ValidAuthorization } from "./authorizeRequest.ts"

export interface Pending {
  readonly id: string
  readonly request: ValidAuthorization
  readonly csrfToken: string
  readonly expiresAt: number
  readonly user: { readonly id: string; readonly email: string } | undefined
  readonly failedSignIns: number
}

const lifetime = Duration.minutes(10)
export const maxFailedSignIns = 5
const maxPendingAuthorizations = 10_000

export const makePendingAuthorizations = (clock: Clock.Clock, maxPending = maxPendingAuthorizations) =>
  Effect.sync(() => {
    // Insertion order is expiry order: every entry lives the same time from its start.
    const pending = new Map<string, Pending>()

    const prune = (now: number) => {
      for (const [id, entry] of pending) {
        if (entry.expiresAt > now && pending.size <= maxPending) return
        pending.delete(id)
      }
    }

    const start = (request: ValidAuthorization) =>
      Effect.gen(function*() {
        const [id, csrfToken, now] = yield* Effect.all([opaqueToken, opaqueToken, clock.currentTimeMillis])
        const entry: Pending = {
          id,
          request,
          csrfToken,
          expiresAt: now + Duration.toMillis(lifetime),
          user: undefined,
          failedSignIns: 0
        }
        yield* Effect.sync(() => {
          pending.set(id, entry)
          prune(now)
        })
        return entry
      })

    /** The live request with this id, if any. */
    const find = (id: string) =>
      Effect.map(clock.currentTimeMillis, (now) => {
        const entry = pending.get(id)
        return entry !== undefined && entry.expiresAt > now ? entry : undefined
      })

    /** Replaces a live request's state (keeps its place: `Map.set` on a present key does not move it). */
    const update = (entry: Pending) =>
      Effect.sync(() => {
        if (pending.has(entry.id)) pending.set(entry.id, entry)
      })
    const remove = (id: string) => Effect.sync(() => void pending.delete(id))

    return { start, find, update, remove }
  })

export type PendingAuthorizations = Effect.Effect.Success<ReturnType<typeof makePendingAuthorizations>>
