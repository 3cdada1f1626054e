/**
 * SessionBus over Redis pub/sub: a broadcast channel `<prefix>closed` (payload: a session id) and
 * one channel per instance `<prefix>instance:<id>` (payload: `{sessionId, message}` JSON). The
 * subscriber connection resubscribes by itself after a reconnect. Messages carry ids and the
 * client's own answer (already sent over the network by the client), never a token or a key.
 */
import { Effect, Runtime, Schema } from "effect"
import type { RedisConnectionShape } from "../state/RedisConnection.ts"
import type { SessionBusHandlers, SessionBusShape } from "./SessionBusShape.ts"

const Forwarded = Schema.parseJson(Schema.Struct({ sessionId: Schema.String, message: Schema.Unknown }))
const decodeForwarded = Schema.decodeUnknownOption(Forwarded)

export const makeSessionBusRedis = (connection: RedisConnectionShape, instanceId: string): SessionBusShape => {
  const closedChannel = `${connection.prefix}closed`
  const instanceChannel = (id: string) => `${connection.prefix}instance:${id}`
  const ownChannel = instanceChannel(instanceId)

  const listen = (handlers: SessionBusHandlers) =>
    Effect.gen(function*() {
      const runtime = yield* Effect.runtime<never>()
      const onMessage = (channel: string, payload: string) => {
        if (channel === closedChannel) {
          Runtime.runFork(runtime)(handlers.closed(payload))
          return
        }
        if (channel !== ownChannel) return
        const forwarded = decodeForwarded(payload)
        if (forwarded._tag === "Some") {
          Runtime.runFork(runtime)(handlers.response(forwarded.value.sessionId, forwarded.value.message))
        }
      }
      connection.subscriber.on("message", onMessage)
      yield* Effect.addFinalizer(() => Effect.sync(() => connection.subscriber.off("message", onMessage)))
      yield* connection.run("bus", () => connection.subscriber.subscribe(closedChannel, ownChannel))
    })

  return {
    instanceId,
    announceClosed: (sessionIds) =>
      Effect.forEach(
        sessionIds,
        (id) => connection.run("bus", () => connection.client.publish(closedChannel, id)),
        { discard: true }
      ),
    forward: (target, sessionId, message) =>
      Effect.map(
        connection.run("bus", () =>
          connection.client.publish(instanceChannel(target), JSON.stringify({ sessionId, message }))),
        (receivers) =>
          receivers > 0
      ),
    listen
  }
}
