/**
 * The Redis SessionStore (`STATE_STORE=redis`, several instances). A session is a hash
 * `<prefix>s:<id>` whose TTL is the idle timeout; each user has a sorted set `<prefix>u:<userId>`
 * of their session ids scored by last use, for the per-user cap. Every operation is one Lua
 * script, so it is atomic across instances and costs one round trip: `touch` (the hot path)
 * checks owner and idleness, refreshes both TTLs and returns the record. Idleness is decided
 * against the caller's Effect Clock like the memory layer; the TTL only collects the garbage.
 * Scripts address keys derived from the user's set, so this needs one Redis primary (not Cluster).
 */
import { Clock, Effect } from "effect"
import type { Redis } from "ioredis"
import type { RedisConnectionShape } from "../state/RedisConnection.ts"
import {
  type NewSession,
  SessionForbidden,
  SessionNotFound,
  type SessionRecord,
  type SessionStoreShape
} from "./SessionRecord.ts"

// KEYS: session, user set. ARGV: id, userId, protocolVersion, clientInfo, capabilities, now, idleMs, max, prefix.
const createScript = `
redis.call('HSET', KEYS[1], 'userId', ARGV[2], 'protocolVersion', ARGV[3], 'clientInfo', ARGV[4],
  'clientCapabilities', ARGV[5], 'createdAt', ARGV[6], 'lastSeenAt', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
local now = tonumber(ARGV[6])
local live = {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local seen = redis.call('HGET', ARGV[9] .. 's:' .. member, 'lastSeenAt')
  if not seen or now - tonumber(seen) > tonumber(ARGV[7]) then
    redis.call('ZREM', KEYS[2], member)
  elseif member ~= ARGV[1] then
    table.insert(live, member)
  end
end
local evicted = {}
local excess = #live + 1 - tonumber(ARGV[8])
for index = 1, excess do
  redis.call('DEL', ARGV[9] .. 's:' .. live[index])
  redis.call('ZREM', KEYS[2], live[index])
  table.insert(evicted, live[index])
end
return evicted
`

// KEYS: session, caller's user set. ARGV: userId, now, idleMs, id.
const touchScript = `
local v = redis.call('HMGET', KEYS[1], 'userId', 'protocolVersion', 'clientInfo', 'clientCapabilities', 'createdAt', 'lastSeenAt', 'logLevel')
if not v[1] then return {'missing'} end
if tonumber(ARGV[2]) - tonumber(v[6]) > tonumber(ARGV[3]) then return {'missing'} end
if v[1] ~= ARGV[1] then return {'forbidden'} end
redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {'ok', v[2], v[3], v[4], v[5], v[7]}
`

// KEYS: session. ARGV: level. A session that expired or was removed is not brought back.
const setLogLevelScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'logLevel', ARGV[1])
return 1
`

// KEYS: session. ARGV: prefix, id.
const removeScript = `
local owner = redis.call('HGET', KEYS[1], 'userId')
redis.call('DEL', KEYS[1])
if owner then redis.call('ZREM', ARGV[1] .. 'u:' .. owner, ARGV[2]) end
return 1
`

interface SessionCommands {
  manaSessionCreate(...args: Array<string | number>): Promise<Array<string>>
  manaSessionTouch(...args: Array<string | number>): Promise<Array<string>>
  manaSessionRemove(...args: Array<string | number>): Promise<number>
  manaSessionSetLogLevel(...args: Array<string | number>): Promise<number>
}

const withCommands = (redis: Redis): Redis & SessionCommands => {
  // defineCommand loads each script once (EVALSHA, falling back to EVAL after a Redis restart).
  if (!("manaSessionSetLogLevel" in redis)) {
    redis.defineCommand("manaSessionCreate", { numberOfKeys: 2, lua: createScript })
    redis.defineCommand("manaSessionTouch", { numberOfKeys: 2, lua: touchScript })
    redis.defineCommand("manaSessionRemove", { numberOfKeys: 1, lua: removeScript })
    redis.defineCommand("manaSessionSetLogLevel", { numberOfKeys: 1, lua: setLogLevelScript })
  }
  return redis as Redis & SessionCommands
}

const parseJson = (raw: string | undefined): unknown => {
  if (raw === undefined) return undefined
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

export const makeSessionStoreRedis = (connection: RedisConnectionShape, idleMillis: number, maxPerUser: number) =>
  Effect.sync((): SessionStoreShape => {
    const { prefix } = connection
    const sessionKey = (id: string) => `${prefix}s:${id}`
    const userKey = (userId: string) => `${prefix}u:${userId}`
    const redis = withCommands(connection.client)
    const run = <A>(operation: (commands: Redis & SessionCommands) => Promise<A>) =>
      connection.run("sessions", () => operation(redis))

    const create = (session: NewSession) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        run((commands) =>
          commands.manaSessionCreate(
            sessionKey(session.id),
            userKey(session.userId),
            session.id,
            session.userId,
            session.protocolVersion,
            JSON.stringify(session.clientInfo ?? null),
            JSON.stringify(session.clientCapabilities ?? null),
            now,
            idleMillis,
            maxPerUser,
            prefix
          )
        ))

    const touch = (id: string, userId: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.flatMap(
          run((commands) => commands.manaSessionTouch(sessionKey(id), userKey(userId), userId, now, idleMillis, id)),
          (reply): Effect.Effect<SessionRecord, SessionNotFound | SessionForbidden> => {
            const [status, protocolVersion, clientInfo, clientCapabilities, createdAt, logLevel] = reply
            if (status === "forbidden") return Effect.fail(new SessionForbidden())
            if (status !== "ok" || protocolVersion === undefined) return Effect.fail(new SessionNotFound())
            return Effect.succeed({
              id,
              userId,
              protocolVersion,
              clientInfo: parseJson(clientInfo),
              clientCapabilities: parseJson(clientCapabilities),
              createdAt: Number(createdAt),
              lastSeenAt: now,
              ...(typeof logLevel === "string" ? { logLevel } : {})
            })
          }
        ))

    const setLogLevel = (id: string, level: string) =>
      Effect.asVoid(run((commands) => commands.manaSessionSetLogLevel(sessionKey(id), level)))

    const remove = (id: string) =>
      Effect.asVoid(run((commands) => commands.manaSessionRemove(sessionKey(id), prefix, id)))

    // One pipelined round trip; idleness by the Clock, like touch.
    const expired = (ids: ReadonlyArray<string>) =>
      ids.length === 0
        ? Effect.succeed([])
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.map(
            run((commands) => Promise.all(ids.map((id) => commands.hget(sessionKey(id), "lastSeenAt")))),
            (seen) =>
              ids.filter((_, index) => {
                const lastSeenAt = seen[index]
                return lastSeenAt === null || lastSeenAt === undefined || now - Number(lastSeenAt) > idleMillis
              })
          ))

    return { shared: true, generation: connection.epoch, create, touch, setLogLevel, remove, expired }
  })
