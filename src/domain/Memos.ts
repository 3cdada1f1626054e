/**
 * Memos: the process's caches of derived values — tool outputs per records state
 * (`rememberDecryptedDerivation`, `memoByIdentity`) and user pseudonyms for spans — owned by one
 * service, so they live exactly as long as the layer that provides it (`Memos.layer`, built by
 * `src/App.ts`): two app layers in one process (tests, the bench) never share a cache, and closing
 * one lets its caches go. Code run without the layer (unit tests of a tool) gets one default
 * instance. A cache is declared once, as a `memoSlot`, and each `Memos` instance holds its own
 * table for it, created on first use.
 */
import { Context, Effect, Layer } from "effect"

/** A `Memos` instance; the tables are keyed by it (see `memoSlot`). */
export interface MemosShape {
  readonly id: string
}

const makeMemos = (): MemosShape => ({ id: crypto.randomUUID() })

export class Memos extends Context.Reference<Memos>()("mana-mcp/Memos", { defaultValue: makeMemos }) {
  /** A fresh set of caches for one app layer. */
  static readonly layer = Layer.sync(Memos, makeMemos)
}

/**
 * One cache, declared where it is used: `make` builds its table, once per `Memos` instance. The
 * tables are held weakly by their instance, so a table lives no longer than its layer's `Memos`.
 */
export const memoSlot = <T>(make: () => T): Effect.Effect<T> => {
  const tables = new WeakMap<MemosShape, T>()
  return Effect.map(Memos, (memos) => {
    const known = tables.get(memos)
    if (known !== undefined) return known
    const table = make()
    tables.set(memos, table)
    return table
  })
}
