/**
 * The dev mana-sync's `/ws` protocol (docs/upstreams.md §3.8), over any `@effect/platform` Socket
 * (Bun's upgrade in local mode, a `ws` server socket in Node tests): the client must send
 * `{"type":"auth","token":"<JWT>"}` within 10 s; a valid token subscribes the connection to its
 * user's notices and is answered `{"type":"auth-ok"}` (subscribed first, so no notice falls between);
 * `{"type":"ping"}` gets `{"type":"pong"}`; each notice goes out as
 * `{"type":"sync-available","appId","tables"}`. A missing, late or bad token closes the socket
 * with 4001. A later `auth` with a valid token of the same user is answered `auth-ok` again.
 */
import { Socket } from "@effect/platform"
import { Duration, Effect, Fiber, Option, Queue, Schema } from "effect"
import type { LiveHubShape } from "./LiveHub.ts"

export interface LiveSocketOptions {
  /** The user id (`sub`) of a valid token, or a failure with the reason. */
  readonly verify: (token: string) => Effect.Effect<string, { readonly reason: string }>
  readonly hub: LiveHubShape
  readonly authTimeout?: Duration.DurationInput
}

const ClientMessage = Schema.parseJson(Schema.Struct({ type: Schema.String, token: Schema.optional(Schema.String) }))
const decodeClientMessage = Schema.decodeUnknownOption(ClientMessage)
const decoder = new TextDecoder()

export const unauthorizedClose = 4001

export const serveLiveSocket = (socket: Socket.Socket, options: LiveSocketOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const write = yield* socket.writer
    const send = (message: object) => Effect.ignore(write(JSON.stringify(message)))
    const close = (reason: string) => Effect.ignore(write(new Socket.CloseEvent(unauthorizedClose, reason)))
    const tokens = yield* Queue.unbounded<string>()
    const reader = yield* Effect.fork(socket.runRaw((data) => {
      const message = decodeClientMessage(typeof data === "string" ? data : decoder.decode(data))
      if (Option.isNone(message)) return undefined
      if (message.value.type === "ping") return send({ type: "pong" })
      if (message.value.type === "auth") tokens.unsafeOffer(message.value.token ?? "")
      return undefined
    }))
    const first = yield* Effect.timeout(Queue.take(tokens), options.authTimeout ?? Duration.seconds(10)).pipe(
      Effect.option
    )
    if (Option.isNone(first)) return yield* close("auth timeout")
    const userId = yield* Effect.either(options.verify(first.value))
    if (userId._tag === "Left") return yield* close(`unauthorized: ${userId.left.reason}`)
    const notices = yield* options.hub.subscribe(userId.right)
    yield* send({ type: "auth-ok" })
    const forward = Effect.forever(
      Effect.flatMap(Queue.take(notices), (notice) => send({ type: "sync-available", ...notice }))
    )
    const reauth = Effect.forever(Effect.gen(function*() {
      const token = yield* Queue.take(tokens)
      const again = yield* Effect.either(options.verify(token))
      if (again._tag === "Right" && again.right === userId.right) return yield* send({ type: "auth-ok" })
      return yield* Effect.zipRight(close("unauthorized: token of another user or invalid"), Effect.interrupt)
    }))
    yield* Effect.raceAll([Effect.ignore(Fiber.join(reader)), forward, reauth])
  }))
