/**
 * The orders tools list records in. Timestamps are compared as instants (`instantOf`), never as
 * strings: JS `toISOString()` and Go RFC3339Nano texts do not sort alike (docs/upstreams.md §3.2).
 * Ties end on the id, so a list is stable across calls.
 */
import { instantOf } from "../../sync/SyncWire.ts"

interface Positioned {
  readonly id: string
  readonly order: number
  readonly createdAt?: string | undefined
}

interface Touched {
  readonly id: string
  readonly createdAt?: string | undefined
  readonly updatedAt?: string | undefined
}

/** The `order` that puts a new record after every live one: max + 1 over the finite orders, 0 for none. */
export const nextOrder = (orders: Iterable<unknown>): number => {
  let max = -1
  for (const order of orders) if (typeof order === "number" && Number.isFinite(order)) max = Math.max(max, order)
  return Math.floor(max) + 1
}

/** The web app's order: `order` ascending, then creation time, then id. */
export const byPosition = (a: Positioned, b: Positioned): number =>
  a.order - b.order || instantOf(a.createdAt) - instantOf(b.createdAt) || a.id.localeCompare(b.id)

/** Most recently updated (else created) first, then id. */
export const byLastTouched = (a: Touched, b: Touched): number =>
  instantOf(b.updatedAt ?? b.createdAt) - instantOf(a.updatedAt ?? a.createdAt) || a.id.localeCompare(b.id)
