/**
 * WriteFence: per (app, table), a token that moves each time one of the gateway's writes to the
 * table returns. The read cache notes the token when a pull starts and reuses the pulled state
 * only while the token is unchanged, so a read that starts after a write returned never gets
 * state from before it. With one instance the fence is a counter in this process (memory); with
 * several (`STATE_STORE=redis`) it is a counter in Redis, so a write that returned on one
 * instance fences reads on every other. Keys name the app and table only, never a user or content.
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

/** Counters in nested maps (app → table), so a look builds no key string. */
export const makeWriteFenceMemory = (): WriteFenceShape => {
  const apps = new Map<string, Map<string, Counter>>()
  const counterOf = (app: string, table: string): Counter => {
    let tables = apps.get(app)
    if (tables === undefined) {
      tables = new Map()
      apps.set(app, tables)
    }
    let counter = tables.get(table)
    if (counter === undefined) {
      counter = { count: 0, token: "0" }
      tables.set(table, counter)
    }
    return counter
  }
  const currentInProcess = (app: string, table: string): FenceToken => apps.get(app)?.get(table)?.token ?? "0"
  return {
    advance: (app, table) =>
      Effect.sync(() => {
        const counter = counterOf(app, table)
        counter.count += 1
        counter.token = String(counter.count)
      }),
    current: (app, table) => Effect.sync(() => currentInProcess(app, table)),
    currentInProcess
  }
}

export class WriteFence extends Context.Tag("mana-mcp/WriteFence")<WriteFence, WriteFenceShape>() {
  /** In this process (`STATE_STORE=memory`): one instance sees all its own writes. */
  static readonly layerMemory = Layer.sync(WriteFence, makeWriteFenceMemory)

  /** In Redis (`STATE_STORE=redis`), shared by every instance; needs RedisConnection. */
  static readonly layerRedis = Layer.effect(WriteFence, Effect.map(RedisConnection, makeWriteFenceRedis))
}
