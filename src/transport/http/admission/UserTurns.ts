/**
 * Turns on the one event loop, shared fairly between users (issue #28, finding 3). Effect runs a
 * fiber's steps as microtasks, and the event loop reads sockets only once the microtask queue is
 * empty: one user's admitted calls, each taking up where the last left off, kept it non-empty for
 * 100 ms and more, so another user's request could not even be read. Here each user's fibers may
 * run for `slice` per turn of the loop; past that, whatever they schedule (a resumption, a yield,
 * their next admitted call) waits for the next turn (`setImmediate`), behind the I/O that arrived
 * meanwhile, while other users' fibers still run at once. A light call fits in its user's slice
 * and never waits; a heavy user's work comes in slices, with everyone else's in between.
 */
import { type Clock, Duration, FiberRef, Option, Scheduler } from "effect"

export interface UserTurns {
  /** The scheduler of `userId`'s fibers (`Effect.withScheduler`): their time counts against that user's slice. */
  readonly of: (userId: string) => Scheduler.Scheduler
}

/** How often, in a fiber's run of steps, the clock is read (every step would cost more than it saves). */
const stepsPerCheck = 32

/** Every fiber as Effect schedules it by default (USER_TURN_SLICE=off): no slices. */
const untimed: UserTurns = { of: () => Scheduler.defaultScheduler }

export const makeUserTurns = (clock: Clock.Clock, slice: Option.Option<Duration.Duration>): UserTurns =>
  Option.match(slice, { onNone: () => untimed, onSome: (duration) => sliced(clock, Duration.toMillis(duration)) })

const sliced = (clock: Clock.Clock, sliceMs: number): UserTurns => {
  const nowMs = () => Number(clock.unsafeCurrentTimeNanos()) / 1_000_000
  // Milliseconds each user's fibers have run in this turn; a probe queued as a macrotask starts the next.
  const used = new Map<string, number>()
  let probing = false
  const nextTurn = () => {
    probing = false
    used.clear()
  }
  // The task running now, if it is one of ours: its time counts before it ends (it may be the one yielding).
  let running: { readonly userId: string; readonly started: number } | undefined
  const spent = (userId: string) => {
    if (!probing) {
      probing = true
      setImmediate(nextTurn)
    }
    const own = used.get(userId) ?? 0
    return running?.userId === userId ? own + nowMs() - running.started : own
  }
  const of = (userId: string): Scheduler.Scheduler => {
    const run = (task: () => void) => (): void => {
      // A task deferred to this turn may find its user's new slice already spent by another of its fibers.
      if (spent(userId) >= sliceMs) return void setImmediate(run(task))
      const outer = running
      const started = nowMs()
      running = { userId, started }
      task()
      running = outer
      used.set(userId, (used.get(userId) ?? 0) + nowMs() - started)
    }
    return {
      shouldYield: (fiber) => {
        const usual = Scheduler.defaultShouldYield(fiber)
        if (usual !== false || fiber.currentOpCount % stepsPerCheck !== 0) return usual
        return spent(userId) >= sliceMs ? fiber.getFiberRef(FiberRef.currentSchedulingPriority) : false
      },
      scheduleTask: (task, priority, fiber) => {
        if (spent(userId) >= sliceMs) setImmediate(run(task))
        else Scheduler.defaultScheduler.scheduleTask(run(task), priority, fiber)
      }
    }
  }
  return { of }
}
