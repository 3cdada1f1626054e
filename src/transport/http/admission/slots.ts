/**
 * A counted budget with a FIFO queue (calls in flight, body bytes of one user): `withSlots(n)`
 * runs its effect once `n` fit, waiting in arrival order otherwise. An Effect `Semaphore` does the
 * same, but pays its acquire/release machinery on every request; here a budget with room and
 * nobody waiting costs two counter updates, which is the case for almost every request. Waiting
 * is interruptible (a cut request leaves the queue, or hands back what it was just given).
 */
import { Deferred, Effect, Exit, FiberId } from "effect"

interface Waiter {
  readonly amount: number
  readonly ready: Deferred.Deferred<void>
  granted: boolean
}

export interface Slots {
  /** Runs `work` holding `amount` of the budget (at most the whole budget). */
  readonly withSlots: (amount: number) => <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Whether `amount` would wait now (no room, or others already waiting: the queue is FIFO). */
  readonly wouldWait: (amount: number) => boolean
  /** Requests waiting for room. */
  readonly waiting: () => number
  /** Nothing held and nobody waiting. */
  readonly idle: () => boolean
}

export const makeSlots = (capacity: number): Slots => {
  let used = 0
  const waiting: Array<Waiter> = []

  const release = (amount: number) => {
    used -= amount
    // Strictly in arrival order: a large request at the head is not overtaken by smaller ones.
    while (waiting.length > 0 && used + waiting[0]!.amount <= capacity) {
      const next = waiting.shift()!
      used += next.amount
      next.granted = true
      Deferred.unsafeDone(next.ready, Exit.void)
    }
  }

  const wouldWait = (amount: number) => waiting.length > 0 || used + Math.min(amount, capacity) > capacity

  const withSlots = (requested: number) => <A, E, R>(work: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
    const amount = Math.min(requested, capacity)
    return Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        const held = restore(work).pipe(Effect.ensuring(Effect.sync(() => release(amount))))
        if (!wouldWait(amount)) {
          used += amount
          return held
        }
        const waiter: Waiter = { amount, ready: Deferred.unsafeMake<void>(FiberId.none), granted: false }
        waiting.push(waiter)
        return restore(Deferred.await(waiter.ready)).pipe(
          Effect.onInterrupt(() =>
            Effect.sync(() => {
              if (waiter.granted) return release(amount)
              const at = waiting.indexOf(waiter)
              if (at >= 0) waiting.splice(at, 1)
            })
          ),
          Effect.zipRight(held)
        )
      })
    )
  }

  return { withSlots, wouldWait, waiting: () => waiting.length, idle: () => used === 0 && waiting.length === 0 }
}
