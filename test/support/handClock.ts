/** A Clock that moves only when told: `spend(ms)` stands for a step's CPU time, so tests assert order, never time. */
import { Clock, Effect } from "effect"

export const handClock = () => {
  let nanos = 0n
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => Number(nanos / 1_000_000n),
    currentTimeMillis: Effect.sync(() => Number(nanos / 1_000_000n)),
    unsafeCurrentTimeNanos: () => nanos,
    currentTimeNanos: Effect.sync(() => nanos),
    sleep: () => Effect.void
  }
  return { clock, spend: (ms: number) => void (nanos += BigInt(ms * 1_000_000)) }
}
