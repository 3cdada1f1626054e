/**
 * The 2025-era (sessionful) leg of `/mcp`: one SDK `WebStandardStreamableHTTPServerTransport` and
 * `Server` per `Mcp-Session-Id`. Session rules (owner 403, unknown/idle 404, per-user cap, idle
 * eviction) are decided by `SessionStore`; this module keeps the live transports that belong to
 * those ids in this process, closes them when the store drops their session, and keeps the
 * `mana_mcp_sessions_active` gauge true.
 */
import { type AuthInfo, type Server, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server"
import { Duration, Effect, Schedule } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { Metrics } from "../observability/Metrics.ts"
import { SessionStore } from "../sessions/SessionStore.ts"
import { errorResponse } from "./httpResponses.ts"

interface LiveSession {
  readonly transport: WebStandardStreamableHTTPServerTransport
  readonly server: Server
}

export interface LegacyRequest {
  readonly request: Request
  readonly userId: string
  readonly parsedBody: unknown
  readonly authInfo: AuthInfo
}

export interface LegacySessions {
  readonly handle: (input: LegacyRequest) => Effect.Effect<Response>
  /** Closes every session (graceful shutdown). */
  readonly closeAll: Effect.Effect<void>
}

const transportFailure = (cause: unknown) =>
  errorResponse(
    500,
    "transport_error",
    "The MCP transport failed to handle this request; retry, or re-initialize the session",
    {
      detail: cause instanceof Error ? cause.name : "unknown"
    }
  )

export const makeLegacySessions = (makeServer: () => Server, maxRequestBodySize: number) =>
  Effect.gen(function*() {
    const store = yield* SessionStore
    const metrics = yield* Metrics
    const { sessionIdleTimeout } = yield* ManaConfig
    // Live SDK objects cannot leave this process; the store decides which ids are valid.
    const live = new Map<string, LiveSession>()

    const publishCount = Effect.flatMap(store.count, metrics.setSessionsActive)

    const close = (ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => {
        const session = live.get(id)
        live.delete(id)
        return session === undefined
          ? Effect.void
          : Effect.promise(() => session.transport.close().then(() => session.server.close()).catch(() => undefined))
      }, { discard: true })

    const sweepEvery = Duration.millis(Math.min(Duration.toMillis(sessionIdleTimeout) / 2, 60_000))
    yield* store.sweep.pipe(
      Effect.flatMap(close),
      Effect.zipRight(publishCount),
      Effect.repeat(Schedule.spaced(sweepEvery)),
      Effect.forkScoped
    )

    const handleRequest = (session: LiveSession, input: LegacyRequest) =>
      Effect.tryPromise({
        try: () =>
          session.transport.handleRequest(input.request, { parsedBody: input.parsedBody, authInfo: input.authInfo }),
        catch: transportFailure
      })

    const open = (input: LegacyRequest) =>
      Effect.gen(function*() {
        const id = crypto.randomUUID()
        const transport = new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: () => id,
          maxRequestBodySize
        })
        const server = makeServer()
        const session = { transport, server }
        yield* Effect.tryPromise({ try: () => server.connect(transport), catch: transportFailure })
        const response = yield* handleRequest(session, input)
        if (transport.sessionId !== id) {
          // Not an initialize (or a failed one): the SDK answered it; keep nothing.
          yield* Effect.promise(() => transport.close().then(() => server.close()).catch(() => undefined))
          return response
        }
        live.set(id, session)
        const evicted = yield* store.create(id, input.userId)
        yield* close(evicted)
        yield* publishCount
        return response
      })

    const resume = (id: string, input: LegacyRequest) =>
      Effect.gen(function*() {
        yield* store.touch(id, input.userId)
        const session = live.get(id)
        if (session === undefined) {
          // Known to the store but not to this process (e.g. after a restart or on another instance).
          yield* store.remove(id)
          yield* publishCount
          return errorResponse(
            404,
            "session_not_found",
            "Session not found on this gateway instance. Start a new session with an initialize request."
          )
        }
        const response = yield* handleRequest(session, input)
        if (input.request.method === "DELETE" && response.ok) {
          yield* store.remove(id)
          yield* close([id])
          yield* publishCount
        }
        return response
      }).pipe(
        Effect.catchTags({
          SessionNotFound: (error) => Effect.succeed(errorResponse(404, "session_not_found", error.message)),
          SessionForbidden: (error) => Effect.succeed(errorResponse(403, "forbidden_session", error.message))
        })
      )

    const handle = (input: LegacyRequest): Effect.Effect<Response> => {
      const id = input.request.headers.get("mcp-session-id")
      if (id !== null) return Effect.merge(resume(id, input))
      if (input.request.method !== "POST") {
        return Effect.succeed(errorResponse(
          400,
          "missing_session",
          `${input.request.method} /mcp needs an Mcp-Session-Id header; open a session by POSTing an initialize request`
        ))
      }
      return Effect.merge(open(input))
    }

    // Only this process's sessions: with a shared store, other instances keep theirs.
    const closeAll = Effect.suspend(() => {
      const ids = [...live.keys()]
      return Effect.forEach(ids, store.remove, { discard: true }).pipe(
        Effect.zipRight(close(ids)),
        Effect.zipRight(publishCount)
      )
    })
    yield* Effect.addFinalizer(() => closeAll)
    return { handle, closeAll } satisfies LegacySessions
  })
