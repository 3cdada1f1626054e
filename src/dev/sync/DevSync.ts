/**
 * DevSync: the embedded mana-sync stand-in for local mode — the `SyncEngine` behind the real HTTP
 * contract (docs/upstreams.md §3.1–3.5, §3.8): `POST /sync/:appId`, `GET /sync/:appId/pull`, the live
 * `GET /ws` (and `/ws/:appId`) and `GET /sync/:appId/stream`, `GET /health`, plus the dev-only
 * `POST /dev/billing/:userId`. `serveSocket` runs the `/ws` protocol on a socket upgraded elsewhere
 * (Node tests, whose web-handler bridge cannot upgrade). JWTs are verified like mana-sync does it
 * (JWKS key by `kid`, exp/nbf, non-empty `sub`; no aud/iss). Serving the app is `main.ts`' job.
 */
import { HttpRouter, HttpServerRequest, HttpServerResponse, type Socket } from "@effect/platform"
import { Clock, Data, DateTime, Duration, Effect, Option, Schema } from "effect"
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose"
import { type BodyTooLarge, readBoundedText } from "./boundedBody.ts"
import { makeLiveHub } from "./LiveHub.ts"
import { serveLiveSocket } from "./liveSocket.ts"
import { openLiveStream } from "./liveStream.ts"
import {
  EngineBadRequest,
  type EngineStorageFailed,
  type EngineSyncInactive,
  makeSyncEngine,
  syncInactiveBody
} from "./SyncEngine.ts"
import { openSyncJournal } from "./syncJournal.ts"

export interface DevSyncOptions {
  readonly jwksUrl: string
  readonly memberships: (userId: string) => Effect.Effect<ReadonlyArray<string>>
  /** Some: rows are journaled to `<dataDir>/sync.jsonl` and replayed at start-up. */
  readonly dataDir: Option.Option<string>
  /** Fault injection for local experiments and tests: every sync request waits this long first. */
  readonly latency?: Duration.Duration
  /** How long `/ws` waits for the `auth` message (10 s, as mana-sync); tests shorten it. */
  readonly liveAuthTimeout?: Duration.Duration
}

class Unauthorized extends Data.TaggedError("Unauthorized")<{ readonly reason: string }> {}

/** mana-sync caps bodies at 10 MiB and answers a larger one 400 "invalid JSON" (docs/upstreams.md §2.1). */
const MAX_BODY = 10 * 1024 * 1024
/** The dev billing switch takes `{"active": boolean}`: 1 KiB is plenty. */
const MAX_BILLING_BODY = 1024
const BillingBody = Schema.parseJson(Schema.Struct({ active: Schema.Boolean }))

const plain = (status: number, text: string) => HttpServerResponse.text(`${text}\n`, { status })

type Failure = Unauthorized | EngineBadRequest | EngineSyncInactive | EngineStorageFailed | BodyTooLarge

const toResponse = (error: Failure) => {
  switch (error._tag) {
    case "Unauthorized":
      return plain(401, `unauthorized: ${error.reason}`)
    case "EngineBadRequest":
      return plain(400, error.message)
    case "EngineSyncInactive":
      return HttpServerResponse.unsafeJson(syncInactiveBody, { status: 402 })
    case "EngineStorageFailed":
      return plain(500, `failed to record change: ${error.message}`)
    case "BodyTooLarge":
      return plain(413, `request body too large: at most ${error.limit} bytes`)
  }
}

export const makeDevSync = (options: DevSyncOptions) =>
  Effect.gen(function*() {
    const journal = yield* Option.match(options.dataDir, {
      onNone: () => Effect.succeed(undefined),
      onSome: (dir) => openSyncJournal(dir)
    })
    const hub = yield* makeLiveHub
    const engine = yield* makeSyncEngine({
      memberships: options.memberships,
      notify: (userId, appId, tables) => hub.notify(userId, { appId, tables }),
      ...(journal === undefined ? {} : { initialRows: journal.rows, persist: journal.append })
    })
    const jwks = createRemoteJWKSet(new URL(options.jwksUrl))

    const verify = (token: string) =>
      Effect.gen(function*() {
        const kid = yield* Effect.try({
          try: () => decodeProtectedHeader(token).kid,
          catch: () => new Unauthorized({ reason: "malformed token" })
        })
        if (kid === undefined || kid === "") return yield* new Unauthorized({ reason: "token has no kid" })
        const now = yield* Clock.currentTimeMillis
        const { payload } = yield* Effect.tryPromise({
          try: () => jwtVerify(token, jwks, { algorithms: ["EdDSA", "Ed25519"], currentDate: new Date(now) }),
          catch: (cause) => new Unauthorized({ reason: cause instanceof Error ? cause.message : "invalid token" })
        })
        if (typeof payload.sub !== "string" || payload.sub === "") {
          return yield* new Unauthorized({ reason: "token has no sub" })
        }
        return payload.sub
      })

    const authenticate = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const header = request.headers["authorization"]
      if (header === undefined || header === "") return yield* new Unauthorized({ reason: "no authorization header" })
      if (!header.startsWith("Bearer ")) return yield* new Unauthorized({ reason: "invalid authorization header" })
      return yield* verify(header.slice("Bearer ".length).trim())
    })

    const clientIdHeader = Effect.map(HttpServerRequest.HttpServerRequest, (request) => request.headers["x-client-id"])

    const push = Effect.gen(function*() {
      const userId = yield* authenticate
      const { appId } = yield* HttpRouter.params
      const request = yield* HttpServerRequest.HttpServerRequest
      const text = yield* readBoundedText(request, MAX_BODY).pipe(
        Effect.catchTags({
          BodyTooLarge: () => new EngineBadRequest({ message: "invalid JSON: request body too large" }),
          BodyUnreadable: () => Effect.succeed("")
        })
      )
      const body = yield* Effect.try({
        try: (): unknown => JSON.parse(text),
        catch: (cause) =>
          new EngineBadRequest({ message: `invalid JSON: ${cause instanceof Error ? cause.message : "parse error"}` })
      })
      const response = yield* engine.push({ userId, appId: appId ?? "", clientIdHeader: yield* clientIdHeader, body })
      return HttpServerResponse.unsafeJson(response)
    })

    const pull = Effect.gen(function*() {
      const userId = yield* authenticate
      const { appId } = yield* HttpRouter.params
      const request = yield* HttpServerRequest.HttpServerRequest
      const query = new URL(request.url, "http://dev-sync.local").searchParams
      const response = yield* engine.pull({
        userId,
        appId: appId ?? "",
        clientIdHeader: yield* clientIdHeader,
        collection: query.get("collection") ?? undefined,
        since: query.get("since") ?? undefined
      })
      return HttpServerResponse.unsafeJson(response)
    })

    const stream = Effect.gen(function*() {
      const userId = yield* authenticate
      const { appId } = yield* HttpRouter.params
      const request = yield* HttpServerRequest.HttpServerRequest
      const query = new URL(request.url, "http://dev-sync.local").searchParams
      const collections = (query.get("collections") ?? "").split(",").filter((name) => name !== "")
      const since = query.get("since") ?? ""
      if (collections.length === 0 || since === "") {
        return yield* new EngineBadRequest({ message: "missing collections or since parameter" })
      }
      const live = { userId, appId: appId ?? "", clientIdHeader: yield* clientIdHeader, collections, since }
      // One pull up front: billing (402) and bad parameters are answered as a status, as for a pull.
      yield* engine.pull({ ...live, collection: collections[0] })
      return HttpServerResponse.stream(openLiveStream(live, engine.pull, hub), {
        contentType: "text/event-stream",
        headers: { "cache-control": "no-cache" }
      })
    })

    const serveSocket = (socket: Socket.Socket) =>
      serveLiveSocket(socket, {
        verify,
        hub,
        ...(options.liveAuthTimeout === undefined ? {} : { authTimeout: options.liveAuthTimeout })
      })

    const socketRoute = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const socket = yield* Effect.option(request.upgrade)
      if (Option.isNone(socket)) return yield* plain(400, "expected a WebSocket upgrade")
      yield* Effect.ignore(serveSocket(socket.value))
      return HttpServerResponse.empty()
    })

    const health = Effect.gen(function*() {
      const now = yield* DateTime.now
      const counts = yield* hub.counts
      return HttpServerResponse.unsafeJson({
        status: "ok",
        service: "mana-sync",
        timestamp: DateTime.formatIso(now),
        connections: counts.connections,
        users: counts.users
      })
    })

    // Dev-only, but still a write: only the user themself (their own JWT) may switch their billing.
    const billing = Effect.gen(function*() {
      const caller = yield* authenticate
      const { userId } = yield* HttpRouter.params
      if (userId !== caller) return yield* plain(403, "forbidden: a token may only switch its own user's billing")
      const request = yield* HttpServerRequest.HttpServerRequest
      const text = yield* readBoundedText(request, MAX_BILLING_BODY).pipe(
        Effect.catchTag("BodyUnreadable", () => Effect.succeed(""))
      )
      const decoded = Schema.decodeUnknownOption(BillingBody)(text)
      if (Option.isNone(decoded) || userId === undefined) return yield* plain(400, `expected {"active": boolean}`)
      yield* engine.setPaid(userId, decoded.value.active)
      return HttpServerResponse.unsafeJson({ userId, active: decoded.value.active })
    })

    const delay = options.latency === undefined || Duration.toMillis(options.latency) === 0
      ? Effect.void
      : Effect.sleep(options.latency)
    const app = HttpRouter.empty.pipe(
      HttpRouter.post("/sync/:appId", Effect.zipRight(delay, Effect.catchAll(push, toResponse))),
      HttpRouter.get("/sync/:appId/pull", Effect.zipRight(delay, Effect.catchAll(pull, toResponse))),
      HttpRouter.get("/sync/:appId/stream", Effect.catchAll(stream, toResponse)),
      HttpRouter.get("/ws", socketRoute),
      HttpRouter.get("/ws/:appId", socketRoute),
      HttpRouter.get("/health", health),
      HttpRouter.post("/dev/billing/:userId", Effect.catchAll(billing, toResponse)),
      Effect.catchTag("RouteNotFound", () => plain(404, "404 page not found"))
    )
    return { app, engine, setPaid: engine.setPaid, serveSocket, liveCounts: hub.counts } as const
  })
