/**
 * Authorization requests between the `/authorize` redirect and the user's decision: the
 * validated request, its CSRF token, the signed-in user once the password was right, and a
 * failure count that ends the request after five wrong passwords. Each lives 10 minutes;
 * expired ones are dropped whenever a new one starts. In memory only.
 */
import { type Clock, Duration, Effect, Ref } from "effect"
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

export const makePendingAuthorizations = (clock: Clock.Clock) =>
  Effect.gen(function*() {
    const pending = yield* Ref.make(new Map<string, Pending>())

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
        yield* Ref.update(pending, (map) => {
          const next = new Map([...map].filter(([, value]) => value.expiresAt > now))
          return next.set(id, entry)
        })
        return entry
      })

    /** The live request with this id, if any. */
    const find = (id: string) =>
      Effect.gen(function*() {
        const now = yield* clock.currentTimeMillis
        const entry = (yield* Ref.get(pending)).get(id)
        return entry !== undefined && entry.expiresAt > now ? entry : undefined
      })

    const update = (entry: Pending) => Ref.update(pending, (map) => new Map(map).set(entry.id, entry))
    const remove = (id: string) =>
      Ref.update(pending, (map) => {
        const next = new Map(map)
        next.delete(id)
        return next
      })

    return { start, find, update, remove }
  })

export type PendingAuthorizations = Effect.Effect.Success<ReturnType<typeof makePendingAuthorizations>>
