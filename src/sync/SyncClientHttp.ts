/**
 * The live SyncClient: the shared client logic (`makeSyncClient.ts`) over an HTTP transport to
 * mana-sync, sent through the upstream call helper (timeout, metric, span, retry of pulls). This
 * file owns mana-sync's wire details only: paths, headers and its status → `SyncError` mapping.
 * Paging, caching, stamping and the push retry are shared with the test layer.
 */
import type { HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Schedule, Schema } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import { Ids } from "../domain/Ids.ts"
import { makeUpstreamCall } from "../upstream/upstreamCall.ts"
import { makeSyncClient } from "./makeSyncClient.ts"
import { ReadCache } from "./ReadCache.ts"
import { SyncClient } from "./SyncClient.ts"
import { type SyncError, SyncPaymentRequired, SyncRejected, SyncUnauthorized, SyncUnavailable } from "./SyncErrors.ts"
import type { SyncTransport } from "./SyncTransport.ts"
import { PullResponse } from "./SyncWire.ts"

/** Server error texts are passed to the agent; long bodies are cut so they cannot flood it. */
const DETAIL_LIMIT = 300

/** Transient pull failures (network, timeout, 5xx) are retried; a 4xx is final. */
export const pullRetry = Schedule.exponential("200 millis").pipe(
  Schedule.jittered,
  Schedule.intersect(Schedule.recurs(3))
)

const truncate = (text: string) => {
  const trimmed = text.trim()
  return trimmed.length > DETAIL_LIMIT ? `${trimmed.slice(0, DETAIL_LIMIT)}…` : trimmed
}

/** mana-sync's status rules for pull and push alike (docs/upstreams.md §3.5). */
const refused = (app: string) => (response: HttpClientResponse.HttpClientResponse): Effect.Effect<SyncError> => {
  const status = response.status
  if (status >= 500) return Effect.succeed(new SyncUnavailable({ app, reason: "server-error", status }))
  if (status === 401) return Effect.succeed(new SyncUnauthorized({ app }))
  if (status === 402) return Effect.succeed(new SyncPaymentRequired({ app }))
  if (status === 429) {
    // Not retried here: hammering a rate-limited upstream only prolongs the limit. The agent is told how long to wait.
    const retryAfter = /^\d{1,5}$/.exec(response.headers["retry-after"] ?? "")?.[0]
    const wait = retryAfter === undefined ? "a minute" : `${retryAfter} seconds`
    return Effect.succeed(
      new SyncRejected({ app, status, detail: `too many requests for this user; wait ${wait} before retrying` })
    )
  }
  return response.text.pipe(
    Effect.orElseSucceed(() => ""),
    Effect.map((text) => new SyncRejected({ app, status, detail: truncate(text) }))
  )
}

const callerHeaders = (caller: CallerShape, clientId: string): Record<string, string> =>
  caller.traceparent === undefined
    ? { "X-Client-Id": clientId }
    : { "X-Client-Id": clientId, traceparent: caller.traceparent }

/** The `SyncTransport` over HTTP. Needs `HttpClient`, `Upstreams`, `ManaConfig` and `Metrics`. */
export const httpTransport = Effect.gen(function*() {
  const call = yield* makeUpstreamCall("mana-sync")

  const transport: SyncTransport = {
    pull: ({ app, caller, clientId, since, table }) =>
      call({
        span: "SyncTransport.pull",
        method: "GET",
        path: `/sync/${encodeURIComponent(app)}/pull`,
        urlParams: { collection: table, since },
        token: caller.token,
        headers: callerHeaders(caller, clientId),
        // Pulls are reads: retrying them is always safe.
        retry: pullRetry,
        unavailable: (reason) => new SyncUnavailable({ app, reason }),
        refused: refused(app),
        // A 200 whose body is not the pull shape is a mana-sync bug, not something an agent can act on.
        // The parse error is dropped: it would quote record values (ciphertext, plaintext fields) into the logs.
        // A body cut off on the wire is a network failure (retried like one), not a bug.
        read: (response) =>
          response.text.pipe(
            Effect.mapError(() => new SyncUnavailable({ app, reason: "network" })),
            Effect.flatMap((text) =>
              Effect.try(() => JSON.parse(text) as unknown).pipe(
                Effect.flatMap(Schema.decodeUnknown(PullResponse)),
                Effect.orDieWith(() => new Error(`mana-sync pull response for ${app} does not match the protocol`))
              )
            )
          )
      }),
    push: ({ app, body, caller, clientId }) =>
      call({
        span: "SyncTransport.push",
        method: "POST",
        path: `/sync/${encodeURIComponent(app)}`,
        body,
        token: caller.token,
        headers: callerHeaders(caller, clientId),
        unavailable: (reason) => new SyncUnavailable({ app, reason }),
        refused: refused(app),
        // The push response's server delta is ignored; the body is drained so the connection is reused.
        read: (response) => Effect.ignore(response.text)
      })
  }
  return transport
})

/** The live `SyncClient`. Needs `HttpClient`, `Upstreams`, `ManaConfig`, `Metrics`, `Ids` and `ReadCache`. */
export const SyncClientHttp = Layer.effect(
  SyncClient,
  Effect.gen(function*() {
    const client = yield* makeSyncClient(yield* httpTransport)
    return { read: client.read, readTrash: client.readTrash, push: client.push, exclusive: client.exclusive }
  })
)

/** `SyncClientHttp` with its own read cache and live ids; still needs `HttpClient`, `Upstreams`, `ManaConfig`, `Metrics`. */
export const SyncClientHttpLive = SyncClientHttp.pipe(Layer.provide(Layer.merge(ReadCache.layer, Ids.layer)))
