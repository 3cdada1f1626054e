/**
 * The Redis EventStore (`STATE_STORE=redis`): one Redis Stream per (session, SSE stream) at
 * `<prefix>e:<sessionId>:<streamId>`, capped in length (approximate MAXLEN) and expiring with
 * the session's idle timeout, plus a set `<prefix>es:<sessionId>` naming them so a closed session
 * drops all of its streams. Payloads are sealed (AES-256-GCM, STATE_ENCRYPTION_KEY) with the
 * session and stream ids as additional data: Redis never holds a tool result in clear, and a
 * sealed event copied into another session's stream does not open. An append is one pipelined
 * round trip.
 */
import { Duration, Effect } from "effect"
import type { RedisConnectionShape } from "../state/RedisConnection.ts"
import type { StateCipher } from "../state/StateCipher.ts"
import type { EventStoreLimits, EventStoreShape, StoredEvent } from "./EventStoreShape.ts"

export const makeEventStoreRedis = (
  connection: RedisConnectionShape,
  cipher: StateCipher,
  limits: EventStoreLimits
): EventStoreShape => {
  const { client, prefix } = connection
  const ttlMillis = Duration.toMillis(limits.ttl)
  const streamKey = (sessionId: string, streamId: string) => `${prefix}e:${sessionId}:${streamId}`
  const indexKey = (sessionId: string) => `${prefix}es:${sessionId}`
  const context = (sessionId: string, streamId: string) => `${sessionId}\u0000${streamId}`

  const append = (sessionId: string, streamId: string, event: StoredEvent) =>
    connection.run("events", () => {
      const key = streamKey(sessionId, streamId)
      return client.multi()
        .xadd(
          key,
          "MAXLEN",
          "~",
          limits.eventsPerStream,
          "*",
          "seq",
          event.seq,
          "data",
          cipher.seal(event.message, context(sessionId, streamId))
        )
        .pexpire(key, ttlMillis)
        .sadd(indexKey(sessionId), key)
        .pexpire(indexKey(sessionId), ttlMillis)
        .exec()
    }).pipe(Effect.asVoid)

  const after = (sessionId: string, streamId: string, afterSeq: string | undefined) =>
    Effect.map(
      connection.run("events", () => client.xrange(streamKey(sessionId, streamId), "-", "+")),
      (entries) => {
        const events: Array<StoredEvent> = []
        for (const [, fields] of entries) {
          const seq = fields[fields.indexOf("seq") + 1]
          const sealed = fields[fields.indexOf("data") + 1]
          const message = sealed === undefined ? undefined : cipher.open(sealed, context(sessionId, streamId))
          // An event that does not open was not written for this stream: skip it, never replay it.
          if (seq !== undefined && message !== undefined) events.push({ seq, message })
        }
        const index = afterSeq === undefined ? -1 : events.findIndex((event) => event.seq === afterSeq)
        return events.slice(index + 1)
      }
    )

  const removeSession = (sessionId: string) =>
    connection.run("events", async () => {
      const keys = await client.smembers(indexKey(sessionId))
      await client.del(indexKey(sessionId), ...keys)
    })

  return { append, after, removeSession }
}
