/**
 * `items.filter(keep)` in steps, with a yield between steps: a filter over 300 folded notes of
 * 20 KB is about a millisecond of one synchronous step, which the per-user turns of the event
 * loop (`transport/http/admission/UserTurns.ts`) cannot cut. In steps, another user's request can
 * run in between once this user's slice is spent. Keeps the input order.
 */
import { Effect } from "effect"

/** Items per step: about 0.1 ms of substring search over 20 KB notes. */
const defaultStep = 32

export const filterInSteps = <A>(
  items: ReadonlyArray<A>,
  keep: (item: A) => boolean,
  step = defaultStep
): Effect.Effect<Array<A>> =>
  Effect.suspend(() => {
    const kept: Array<A> = []
    const from = (start: number): Effect.Effect<Array<A>> => {
      for (const item of items.slice(start, start + step)) if (keep(item)) kept.push(item)
      return start + step >= items.length
        ? Effect.succeed(kept)
        : Effect.zipRight(Effect.yieldNow(), Effect.suspend(() => from(start + step)))
    }
    return from(0)
  })
