/**
 * A value derived from an immutable input, computed once per input object. The read cache hands
 * out the same records array until the table changes (`SyncClient.read`), so a tool's sorted,
 * filtered output over it can be built once per change instead of once per call. Keyed weakly:
 * an entry lives exactly as long as the input the cache still holds, so it keeps nothing alive;
 * the table itself belongs to the app layer's `Memos`. The derived value is shared by every call
 * that reads the same state, so it must not be mutated. Extra arguments must be determined by the
 * input (e.g. the id of the record whose data it is). Yields the memoised function.
 */
import type { Effect } from "effect"
import { memoSlot } from "../../domain/Memos.ts"

export const memoByIdentity = <K extends object, A, Args extends ReadonlyArray<unknown> = []>(
  derive: (input: K, ...args: Args) => A
): Effect.Effect<(input: K, ...args: Args) => A> =>
  memoSlot(() => {
    const derived = new WeakMap<K, A>()
    return (input: K, ...args: Args): A => {
      const cached = derived.get(input)
      if (cached !== undefined) return cached
      const value = derive(input, ...args)
      derived.set(input, value)
      return value
    }
  })
