/**
 * Raw clients of mana-sync's live endpoints, as the web app uses them: a `/ws` connection whose
 * messages are queued and whose close code is kept, and an SSE reader of `/sync/{app}/stream`.
 * Work on Node (the `ws` client) through `wsClientLayer`.
 */
import { Socket } from "@effect/platform"
import { Deferred, Effect, Fiber, Option, Queue, type Scope } from "effect"
import { wsClientLayer } from "./liveSyncServer.ts"

export interface RawWs {
  /** Parsed JSON messages, in order. */
  readonly messages: Queue.Dequeue<Record<string, unknown>>
  readonly send: (message: object) => Effect.Effect<void>
  /** The close code once the server closed the socket (1000 for a clean close). */
  readonly closed: Deferred.Deferred<number>
}

const decoder = new TextDecoder()

export const openRawWs = (syncUrl: string, path = "/ws"): Effect.Effect<RawWs, never, Scope.Scope> =>
  Effect.gen(function*() {
    const socket = yield* Socket.makeWebSocket(`${syncUrl.replace(/^http/, "ws")}${path}`).pipe(
      Effect.provide(wsClientLayer)
    )
    const messages = yield* Queue.unbounded<Record<string, unknown>>()
    const closed = yield* Deferred.make<number>()
    const reader = yield* Effect.forkScoped(
      socket.runRaw((data) => {
        const parsed: unknown = JSON.parse(typeof data === "string" ? data : decoder.decode(data))
        if (typeof parsed === "object" && parsed !== null) messages.unsafeOffer({ ...parsed })
      }).pipe(
        Effect.matchEffect({
          onSuccess: () => Deferred.succeed(closed, 1000),
          onFailure: (error) => Deferred.succeed(closed, error.reason === "Close" && "code" in error ? error.code : -1)
        })
      )
    )
    const write = yield* socket.writer
    yield* Effect.addFinalizer(() => Fiber.interrupt(reader))
    return { messages, send: (message) => Effect.orDie(write(JSON.stringify(message))), closed }
  })

/** Takes the next message, or none within `millis`. */
export const nextMessage = (ws: RawWs, millis = 2_000) =>
  Effect.timeout(Queue.take(ws.messages), millis).pipe(Effect.option, Effect.map(Option.getOrUndefined))

export interface SseEvent {
  readonly event: string
  readonly data: unknown
}

/** Reads SSE events of `url` into a queue until the scope closes; fails the Effect if the status is not 200. */
export const openSse = (url: string, token: string, headers: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const controller = new AbortController()
    yield* Effect.addFinalizer(() => Effect.sync(() => controller.abort()))
    const response = yield* Effect.promise(() =>
      fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: controller.signal })
    )
    const events = yield* Queue.unbounded<SseEvent>()
    const body = response.body
    if (response.status === 200 && body !== null) {
      yield* Effect.forkScoped(Effect.promise(async () => {
        const reader = body.getReader()
        let buffer = ""
        for (;;) {
          const chunk = await reader.read().catch(() => undefined)
          if (chunk === undefined || chunk.done) return
          buffer += decoder.decode(chunk.value, { stream: true })
          let end = buffer.indexOf("\n\n")
          while (end >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message"
            const data = /^data: (.*)$/m.exec(block)?.[1] ?? "null"
            events.unsafeOffer({ event, data: JSON.parse(data) })
            end = buffer.indexOf("\n\n")
          }
        }
      }))
    }
    return { status: response.status, events }
  })
