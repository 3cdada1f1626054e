/**
 * The Redis InvocationLog (`STATE_STORE=redis`): one sorted set per (user, tool), scored by call
 * time, so every instance counts one rolling window. `admit` is one Lua script — prune past the
 * retention, count the window, record if allowed, trim to the capacity, refresh the TTL — which
 * makes check-and-record atomic across instances in one round trip. Semantics match the memory
 * ring exactly: the window includes its start edge, timestamps never step back (a clock behind the
 * newest entry records at the newest), and counts saturate at the capacity.
 */
import { Clock, Duration, Effect, Option } from "effect"
import type { Redis } from "ioredis"
import type { RedisConnectionShape } from "../state/RedisConnection.ts"
import type { Admission, InvocationLogShape, RecentCalls } from "./InvocationLogShape.ts"

// KEYS: the (user, tool) set. ARGV: now, windowMs, retentionMs, limit, record mode, capacity, unique suffix.
const admitScript = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[3])))
local cutoff = now - tonumber(ARGV[2])
local count = redis.call('ZCOUNT', KEYS[1], cutoff, '+inf')
local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], cutoff, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
local mode = ARGV[5]
if mode == 'always' or (mode == 'under-limit' and count < tonumber(ARGV[4])) then
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local stamp = now
  if newest[2] and tonumber(newest[2]) > stamp then stamp = tonumber(newest[2]) end
  redis.call('ZADD', KEYS[1], stamp, stamp .. ':' .. ARGV[7])
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[6]) + 1))
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {count, oldest[2] or ''}
`

interface AdmitCommand {
  manaRateAdmit(...args: Array<string | number>): Promise<[number, string]>
}

const withAdmit = (redis: Redis): Redis & AdmitCommand => {
  if (!("manaRateAdmit" in redis)) redis.defineCommand("manaRateAdmit", { numberOfKeys: 1, lua: admitScript })
  return redis as Redis & AdmitCommand
}

export const makeInvocationLogRedis = (
  connection: RedisConnectionShape,
  options: { readonly perKeyCapacity: number; readonly retention: Duration.Duration }
): InvocationLogShape => {
  const redis = withAdmit(connection.client)
  const retentionMillis = Duration.toMillis(options.retention)
  // User ids and tool names are ours (UUIDs, registry names); the separator cannot occur in either.
  const keyOf = (userId: string, tool: string) => `${connection.prefix}r:${userId}|${tool}`

  const admit = (userId: string, tool: string, admission: Admission) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      connection.run("rate-limit", () =>
        redis.manaRateAdmit(
          keyOf(userId, tool),
          now,
          Duration.toMillis(admission.window),
          retentionMillis,
          admission.limit,
          admission.record,
          options.perKeyCapacity,
          crypto.randomUUID()
        )).pipe(
          Effect.map(([count, oldest]): RecentCalls => ({
            count: Number(count),
            oldestAt: oldest === "" ? Option.none() : Option.some(Number(oldest))
          }))
        ))

  return {
    capacity: options.perKeyCapacity,
    admit,
    record: (userId, tool) =>
      Effect.asVoid(admit(userId, tool, { window: options.retention, limit: 0, record: "always" })),
    recentCalls: (userId, tool, window) => admit(userId, tool, { window, limit: 0, record: "never" })
  }
}
