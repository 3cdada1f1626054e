/**
 * LiveHub: the dev mana-sync's subscribers of change notifications, per user — every open `/ws`
 * connection after its `auth-ok` and every SSE stream. A push notifies the pushing user's
 * subscribers (docs/upstreams.md §3.8: mana-sync notifies the pusher, never other space members).
 * Each subscriber has its own unbounded queue, so a slow socket never blocks a push.
 */
import { Effect, Queue, type Scope } from "effect"

export interface LiveNotice {
  readonly appId: string
  readonly tables: ReadonlyArray<string>
}

export interface LiveHubShape {
  /** A queue of the user's notices from now on, until the scope closes. */
  readonly subscribe: (userId: string) => Effect.Effect<Queue.Dequeue<LiveNotice>, never, Scope.Scope>
  readonly notify: (userId: string, notice: LiveNotice) => Effect.Effect<void>
  /** Open subscriptions and distinct users, as mana-sync's `/health` reports them. */
  readonly counts: Effect.Effect<{ readonly connections: number; readonly users: number }>
}

export const makeLiveHub = Effect.sync((): LiveHubShape => {
  const byUser = new Map<string, Set<Queue.Queue<LiveNotice>>>()
  const add = (userId: string, queue: Queue.Queue<LiveNotice>) =>
    Effect.sync(() => {
      const set = byUser.get(userId) ?? new Set()
      set.add(queue)
      byUser.set(userId, set)
    })
  const remove = (userId: string, queue: Queue.Queue<LiveNotice>) =>
    Effect.sync(() => {
      const set = byUser.get(userId)
      set?.delete(queue)
      if (set?.size === 0) byUser.delete(userId)
    })
  return {
    subscribe: (userId) =>
      Effect.acquireRelease(
        Effect.tap(Queue.unbounded<LiveNotice>(), (queue) => add(userId, queue)),
        (queue) => Effect.zipRight(remove(userId, queue), Queue.shutdown(queue))
      ),
    notify: (userId, notice) =>
      Effect.suspend(() => {
        for (const queue of byUser.get(userId) ?? []) queue.unsafeOffer(notice)
        return Effect.void
      }),
    counts: Effect.sync(() => {
      let connections = 0
      for (const set of byUser.values()) connections += set.size
      return { connections, users: byUser.size }
    })
  }
})
