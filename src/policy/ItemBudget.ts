/**
 * ItemBudget: how many bulk items each user may send per window across all bulk tools (default
 * 500 a minute, POLICY_BULK_ITEM_BUDGET), beside the per-tool rate limit that counts a bulk call
 * as one call — so fifty-item calls cannot become a way around that limit. Fixed windows of the
 * policy's rate window; `take` checks and counts in one atomic step (in this process, or one Lua
 * script in Redis shared by every instance). Keys name the user id only, never content.
 */
import { Clock, Context, Duration, Effect, Layer } from "effect"
import type { Redis } from "ioredis"
import { RedisConnection, type RedisConnectionShape } from "../state/RedisConnection.ts"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

export interface Taken {
  readonly allowed: boolean
  /** Items counted in the current window, this call's included when allowed. */
  readonly used: number
  /** Milliseconds until the window ends. */
  readonly resetsIn: number
}

export interface ItemBudgetShape {
  /**
   * Counts `items` for `userId` in the current window if that stays within `limit` (or always,
   * with `always`: log-only mode counts what it would refuse).
   */
  readonly take: (
    userId: string,
    items: number,
    options: { readonly limit: number; readonly window: Duration.Duration; readonly always: boolean }
  ) => Effect.Effect<Taken, StateStoreUnavailable>
}

const windowOf = (now: number, window: Duration.Duration) => {
  const length = Math.max(1, Duration.toMillis(window))
  const index = Math.floor(now / length)
  return { index, resetsIn: (index + 1) * length - now, length }
}

export const makeItemBudgetMemory = (maxUsers = 100_000): ItemBudgetShape => {
  const used = new Map<string, { readonly index: number; count: number }>()
  return {
    take: (userId, items, { always, limit, window }) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const current = windowOf(now, window)
        let entry = used.get(userId)
        if (entry === undefined || entry.index !== current.index) {
          if (used.size >= maxUsers) used.clear() // a fresh window for everyone beats unbounded memory
          entry = { index: current.index, count: 0 }
          used.set(userId, entry)
        }
        const allowed = entry.count + items <= limit
        if (allowed || always) entry.count += items
        return { allowed, used: entry.count, resetsIn: current.resetsIn }
      })
  }
}

// KEYS: the (user, window) counter. ARGV: items, limit, ttl ms, always.
const takeScript = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local items = tonumber(ARGV[1])
local allowed = used + items <= tonumber(ARGV[2])
if allowed or ARGV[4] == '1' then
  used = redis.call('INCRBY', KEYS[1], items)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {allowed and 1 or 0, used}
`

interface TakeCommand {
  manaItemBudget(...args: Array<string | number>): Promise<[number, number]>
}

const withTake = (redis: Redis): Redis & TakeCommand => {
  if (!("manaItemBudget" in redis)) redis.defineCommand("manaItemBudget", { numberOfKeys: 1, lua: takeScript })
  return redis as Redis & TakeCommand
}

export const makeItemBudgetRedis = (connection: RedisConnectionShape): ItemBudgetShape => ({
  take: (userId, items, { always, limit, window }) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const current = windowOf(now, window)
      const key = `${connection.prefix}bulk-items:${userId}:${current.index}`
      return Effect.map(
        connection.run("rate-limit", (client) =>
          withTake(client).manaItemBudget(key, items, limit, current.length + 1_000, always ? "1" : "0")),
        ([allowed, used]) => ({ allowed: allowed === 1, used: Number(used), resetsIn: current.resetsIn })
      )
    })
})

export class ItemBudget extends Context.Tag("mana-mcp/ItemBudget")<ItemBudget, ItemBudgetShape>() {
  static readonly layerMemory = Layer.sync(ItemBudget, () => makeItemBudgetMemory())
  /** Shared by every instance (`STATE_STORE=redis`); needs RedisConnection. */
  static readonly layerRedis = Layer.effect(ItemBudget, Effect.map(RedisConnection, makeItemBudgetRedis))
}
