/**
 * The Redis LiveRelay (`STATE_STORE=redis`): one broadcast channel `<prefix>live` carrying notices
 * `{k:"n",u,a,t}`, status changes `{k:"s",u,c}` (`c` absent: down) and each instance's heartbeat
 * `{k:"h",held:[[u,c],…]}` every `heartbeat`; a connection not heard of for three heartbeats counts
 * as down. The right to hold a user's connection is the key `<prefix>live:holder:<userId>` (this
 * instance's id, expiring after three heartbeats unless renewed). After the subscriber reconnects,
 * every known connection counts as down until heard of again: notices may have been lost meanwhile.
 * Messages carry user ids, app and table names only, never a token or content.
 */
import { Clock, Duration, Effect, Runtime, Schedule, Schema } from "effect"
import type { RedisConnectionShape } from "../state/RedisConnection.ts"
import type { LiveHandlers, LiveRelayShape } from "./LiveRelayShape.ts"

const Message = Schema.parseJson(Schema.Union(
  Schema.Struct({ k: Schema.Literal("n"), u: Schema.String, a: Schema.String, t: Schema.Array(Schema.String) }),
  Schema.Struct({ k: Schema.Literal("s"), u: Schema.String, c: Schema.optional(Schema.String) }),
  Schema.Struct({ k: Schema.Literal("h"), held: Schema.Array(Schema.Tuple(Schema.String, Schema.String)) })
))
const decodeMessage = Schema.decodeUnknownOption(Message)

const claimScript = `if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
return 0`
const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`

export const makeLiveRelayRedis = (
  connection: RedisConnectionShape,
  instanceId: string,
  heartbeat: Duration.Duration = Duration.seconds(2)
): LiveRelayShape => {
  const channel = `${connection.prefix}live`
  const holderKey = (userId: string) => `${connection.prefix}live:holder:${userId}`
  const ttlMillis = Duration.toMillis(heartbeat) * 3
  const publish = (message: object) =>
    Effect.asVoid(connection.run("live", (client) => client.publish(channel, JSON.stringify(message))))

  const listen = (handlers: LiveHandlers, held: () => ReadonlyArray<readonly [string, string]>) =>
    Effect.gen(function*() {
      const runtime = yield* Effect.runtime<never>()
      const run = Runtime.runFork(runtime)
      /** Connections heard of: user → [connection id, expiry millis]. */
      const known = new Map<string, readonly [string, number]>()
      const heardOf = (userId: string, id: string, now: number) => {
        const before = known.get(userId)
        known.set(userId, [id, now + ttlMillis])
        return before?.[0] === id ? Effect.void : handlers.status(userId, id)
      }
      const onMessage = (from: string, payload: string) => {
        if (from !== channel) return
        const decoded = decodeMessage(payload)
        if (decoded._tag === "None") return
        const message = decoded.value
        const now = Clock.currentTimeMillis
        switch (message.k) {
          case "n":
            run(handlers.notice(message.u, message.a, message.t))
            return
          case "s":
            if (message.c === undefined) {
              known.delete(message.u)
              run(handlers.status(message.u, undefined))
            } else {
              const id = message.c
              run(Effect.flatMap(now, (millis) => heardOf(message.u, id, millis)))
            }
            return
          case "h":
            run(Effect.flatMap(now, (millis) => Effect.forEach(message.held, ([u, c]) => heardOf(u, c, millis))))
            return
        }
      }
      const forgetAll = () =>
        run(Effect.forEach([...known.keys()], (userId) => {
          known.delete(userId)
          return handlers.status(userId, undefined)
        }))
      connection.subscriber.on("message", onMessage)
      connection.subscriber.on("ready", forgetAll)
      yield* Effect.addFinalizer(() =>
        Effect.sync(() => {
          connection.subscriber.off("message", onMessage)
          connection.subscriber.off("ready", forgetAll)
        })
      )
      yield* Effect.ignore(connection.run("live", () => connection.subscriber.subscribe(channel)))
      const beat = Effect.gen(function*() {
        const mine = held()
        if (mine.length > 0) yield* Effect.ignore(publish({ k: "h", held: mine }))
        const now = yield* Clock.currentTimeMillis
        for (const [userId, [, expires]] of known) {
          if (expires > now) continue
          known.delete(userId)
          yield* handlers.status(userId, undefined)
        }
      })
      yield* Effect.forkScoped(Effect.repeat(beat, Schedule.spaced(heartbeat)))
    })

  return {
    notice: (userId, appId, tables) => publish({ k: "n", u: userId, a: appId, t: tables }),
    status: (userId, id) => publish(id === undefined ? { k: "s", u: userId } : { k: "s", u: userId, c: id }),
    claim: (userId) =>
      connection.run("live", (client) => client.eval(claimScript, 1, holderKey(userId), instanceId, ttlMillis)).pipe(
        Effect.map((answer) => answer === 1),
        Effect.orElseSucceed(() => false)
      ),
    release: (userId) =>
      Effect.ignore(connection.run("live", (client) => client.eval(releaseScript, 1, holderKey(userId), instanceId))),
    listen,
    renewEvery: heartbeat
  }
}
