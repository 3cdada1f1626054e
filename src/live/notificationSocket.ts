/**
 * One change-notification connection to mana-sync's `/ws` for one user (docs/upstreams.md §3.8),
 * over `@effect/platform`'s Socket (Bun's WebSocket in the gateway; the `ws` client in Node tests):
 * sends `{"type":"auth","token"}` with the user's own token, waits for `auth-ok`, then reports each
 * `sync-available` and pings; no answer to a ping in time, a close or an error end it with
 * `LiveConnectionFailed`. It never ends by itself otherwise: the caller interrupts it.
 */
import { Socket } from "@effect/platform"
import { Data, type Duration, Effect, Fiber, Option, Queue, Redacted, Schema } from "effect"

export class LiveConnectionFailed extends Data.TaggedError("LiveConnectionFailed")<{
  readonly reason: "open" | "auth-timeout" | "rejected" | "closed" | "silent"
}> {
  override get message() {
    return `the change-notification connection to mana-sync failed (${this.reason})`
  }
}

export interface NotificationSocketOptions {
  /** mana-sync's base URL (`http(s)://…`); the socket goes to `ws(s)://…/ws`. */
  readonly syncUrl: string
  readonly token: Redacted.Redacted<string>
  readonly authTimeout: Duration.DurationInput
  /** A ping is sent this often; a connection that answers nothing within one period is taken as dead. */
  readonly pingEvery: Duration.DurationInput
  /** Runs once `auth-ok` arrived (the server subscribed us before sending it). */
  readonly onUp: Effect.Effect<void>
  readonly onNotice: (appId: string, tables: ReadonlyArray<string>) => Effect.Effect<void, LiveConnectionFailed>
}

const ServerMessage = Schema.parseJson(Schema.Struct({
  type: Schema.String,
  appId: Schema.optional(Schema.String),
  tables: Schema.optional(Schema.Array(Schema.String))
}))
type ServerMessage = typeof ServerMessage.Type
const decodeServerMessage = Schema.decodeUnknownOption(ServerMessage)
const decoder = new TextDecoder()

export const socketUrlOf = (syncUrl: string) => `${syncUrl.replace(/^http/, "ws").replace(/\/+$/, "")}/ws`

export const runNotificationSocket = (options: NotificationSocketOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const socket = yield* Socket.makeWebSocket(socketUrlOf(options.syncUrl), { openTimeout: options.authTimeout })
    const messages = yield* Queue.unbounded<ServerMessage>()
    const reader = yield* Effect.fork(socket.runRaw((data) => {
      const message = decodeServerMessage(typeof data === "string" ? data : decoder.decode(data))
      if (Option.isSome(message)) messages.unsafeOffer(message.value)
    }))
    const closed = Effect.flatMap(Effect.either(Fiber.join(reader)), (ended) =>
      Effect.fail(
        new LiveConnectionFailed({
          reason: ended._tag === "Left" && ended.left.reason.startsWith("Open") ? "open" : "closed"
        })
      ))
    const write = yield* socket.writer
    const send = (message: object) =>
      Effect.mapError(write(JSON.stringify(message)), () => new LiveConnectionFailed({ reason: "closed" }))

    const authenticate = Effect.gen(function*() {
      yield* send({ type: "auth", token: Redacted.value(options.token) })
      const answer = yield* Queue.take(messages).pipe(
        Effect.timeoutFail({
          duration: options.authTimeout,
          onTimeout: () => new LiveConnectionFailed({ reason: "auth-timeout" })
        })
      )
      if (answer.type !== "auth-ok") return yield* new LiveConnectionFailed({ reason: "rejected" })
    })
    yield* Effect.raceFirst(authenticate, closed).pipe(
      Effect.catchTag("LiveConnectionFailed", (error) =>
        // Closed before auth-ok: the server refused the token (mana-sync closes the socket).
        Effect.fail(error.reason === "closed" ? new LiveConnectionFailed({ reason: "rejected" }) : error))
    )
    yield* options.onUp

    let heard = true
    const serve = Effect.forever(Effect.flatMap(Queue.take(messages), (message) => {
      heard = true
      return message.type === "sync-available" && message.appId !== undefined
        ? options.onNotice(message.appId, message.tables ?? [])
        : Effect.void
    }))
    // Anything heard within a ping period (the pong, a notice) proves the connection alive.
    const ping = Effect.forever(Effect.gen(function*() {
      heard = false
      yield* send({ type: "ping" })
      yield* Effect.sleep(options.pingEvery)
      if (!heard) return yield* new LiveConnectionFailed({ reason: "silent" })
    }))
    // raceFirst: a failure of any (closed, silent, a notice that could not be relayed) ends the connection.
    return yield* Effect.raceFirst(serve, Effect.raceFirst(ping, closed))
  }))
