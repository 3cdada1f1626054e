/**
 * UserChanges: the in-process signal "mana-sync says this user's data in (app, tables) changed".
 * Whatever learns of a change (the per-user notification connection to mana-sync's `/ws`, or a
 * notification relayed through Redis from another instance) publishes it here, once per instance;
 * whatever must follow the data (the read cache's staleness marks, MCP resource subscriptions)
 * subscribes. It carries ids and table names only, never content.
 */
import { Context, Effect, Layer, PubSub, type Scope, Stream } from "effect"

export interface UserChange {
  readonly userId: string
  readonly appId: string
  readonly tables: ReadonlyArray<string>
}

export interface UserChangesShape {
  readonly publish: (change: UserChange) => Effect.Effect<void>
  /** Every change published from now on, for one user, until the scope closes. */
  readonly subscribe: (userId: string) => Effect.Effect<Stream.Stream<UserChange>, never, Scope.Scope>
}

/** Sliding: a subscriber that falls behind loses the oldest changes, never blocks a publisher. */
const subscriberBuffer = 1_024

export const makeUserChanges: Effect.Effect<UserChangesShape> = Effect.map(
  PubSub.sliding<UserChange>(subscriberBuffer),
  (hub) => ({
    publish: (change) => Effect.asVoid(PubSub.publish(hub, change)),
    subscribe: (userId) =>
      Effect.map(
        PubSub.subscribe(hub),
        (queue) => Stream.fromQueue(queue).pipe(Stream.filter((change) => change.userId === userId))
      )
  })
)

export class UserChanges extends Context.Tag("mana-mcp/UserChanges")<UserChanges, UserChangesShape>() {
  static readonly layer = Layer.effect(UserChanges, makeUserChanges)
}
