/**
 * WriteFence: per (app, table, space), a token that moves each time one of the gateway's writes to
 * the table's records in that space returns. Only readers who can see the space look at its token,
 * so a write in one user's personal space never ends another user's reuse (docs/reliability.md). The read cache notes the token when a pull starts and reuses the pulled state
 * only while the token is unchanged, so a read that starts after a write returned never gets
 * state from before it. With one instance the fence is a counter in this process (memory); with
 * several (`STATE_STORE=redis`) it is a counter in Redis, so a write that returned on one
 * instance fences reads on every other. Keys name the app, table and space id only, never content.
 * Two layers with one contract (test/sync/writeFenceContract.ts).
 */
import { Context, Effect, Layer } from "effect"
import { RedisConnection } from "../state/RedisConnection.ts"
import { makeWriteFenceRedis } from "./writeFenceRedis.ts"
import type { FenceToken, WriteFenceShape } from "./WriteFenceShape.ts"

export type { FenceToken, WriteFenceShape } from "./WriteFenceShape.ts"

interface Counter {
  count: number
  /** `String(count)`, made once per move rather than once per look. */
  token: FenceToken
}

const nested = <K, V>(map: Map<K, V>, key: K, make: () => V): V => {
  const found = map.get(key)
  if (found !== undefined) return found
  const made = make()
  map.set(key, made)
  return made
}

/** Counters in nested maps (app → table → space), so a look builds no key string. */
export const makeWriteFenceMemory = (): WriteFenceShape => {
  const apps = new Map<string, Map<string, Map<string, Counter>>>()
  const counterOf = (app: string, table: string, space: string): Counter =>
    nested(nested(nested(apps, app, () => new Map()), table, () => new Map()), space, () => ({ count: 0, token: "0" }))
  const currentInProcess = (app: string, table: string, space: string): FenceToken =>
    apps.get(app)?.get(table)?.get(space)?.token ?? "0"
  return {
    advance: (app, table, space) =>
      Effect.sync(() => {
        const counter = counterOf(app, table, space)
        counter.count += 1
        counter.token = String(counter.count)
      }),
    current: (app, table, space) => Effect.sync(() => currentInProcess(app, table, space)),
    currentInProcess
  }
}

export class WriteFence extends Context.Tag("mana-mcp/WriteFence")<WriteFence, WriteFenceShape>() {
  /** In this process (`STATE_STORE=memory`): one instance sees all its own writes. */
  static readonly layerMemory = Layer.sync(WriteFence, makeWriteFenceMemory)

  /** In Redis (`STATE_STORE=redis`), shared by every instance; needs RedisConnection. */
  static readonly layerRedis = Layer.effect(WriteFence, Effect.map(RedisConnection, makeWriteFenceRedis))
}
