/**
 * The live SyncClient: the shared client logic (`makeSyncClient.ts`) over an `HttpClient`
 * transport to mana-sync at `Upstreams.syncUrl`. This file owns the wire details only: headers,
 * per-request timeout, status → `SyncError` mapping and the upstream metric. Retries, paging,
 * caching and stamping are shared with the test layer. `main.ts` provides the `HttpClient`.
 */
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Clock, Effect, Layer, Redacted, Schema } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { Upstreams } from "../config/Upstreams.ts"
import type { CallerShape } from "../domain/Caller.ts"
import { Ids } from "../domain/Ids.ts"
import { Metrics, type UpstreamOutcome } from "../observability/Metrics.ts"
import { makeSyncClient } from "./makeSyncClient.ts"
import { ReadCache } from "./ReadCache.ts"
import { SyncClient } from "./SyncClient.ts"
import { type SyncError, SyncPaymentRequired, SyncRejected, SyncUnauthorized, SyncUnavailable } from "./SyncErrors.ts"
import type { SyncTransport } from "./SyncTransport.ts"
import { PullResponse } from "./SyncWire.ts"

/** Server error texts are passed to the agent; long bodies are cut so they cannot flood it. */
const DETAIL_LIMIT = 300

const truncate = (text: string) => {
  const trimmed = text.trim()
  return trimmed.length > DETAIL_LIMIT ? `${trimmed.slice(0, DETAIL_LIMIT)}…` : trimmed
}

const outcomeOf = (error: SyncError): UpstreamOutcome => {
  switch (error._tag) {
    case "SyncUnavailable":
      return error.reason === "timeout" ? "timeout" : error.reason === "network" ? "network-error" : "server-error"
    default:
      return "client-error"
  }
}

const withCaller = (caller: CallerShape, clientId: string) => (request: HttpClientRequest.HttpClientRequest) =>
  request.pipe(
    HttpClientRequest.bearerToken(Redacted.value(caller.token)),
    HttpClientRequest.setHeader("X-Client-Id", clientId),
    caller.traceparent === undefined ? (r) => r : HttpClientRequest.setHeader("traceparent", caller.traceparent)
  )

/** The `SyncTransport` over HTTP. Needs `HttpClient`, `Upstreams`, `ManaConfig` and `Metrics`. */
export const httpTransport = Effect.gen(function*() {
  const client = yield* HttpClient.HttpClient
  const { syncUrl } = yield* Upstreams
  const { upstreamTimeout } = yield* ManaConfig
  const metrics = yield* Metrics

  const checkStatus = (app: string) =>
  (
    response: HttpClientResponse.HttpClientResponse
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, SyncError> => {
    const status = response.status
    if (status >= 200 && status < 300) return Effect.succeed(response)
    if (status >= 500) return Effect.fail(new SyncUnavailable({ app, reason: "server-error", status }))
    if (status === 401) return Effect.fail(new SyncUnauthorized({ app }))
    if (status === 402) return Effect.fail(new SyncPaymentRequired({ app }))
    return response.text.pipe(
      Effect.orElseSucceed(() => ""),
      Effect.flatMap((text) => Effect.fail(new SyncRejected({ app, status, detail: truncate(text) })))
    )
  }

  /** Sends one request and reads its body; one attempt, one metric sample. */
  const send = <A>(
    app: string,
    request: HttpClientRequest.HttpClientRequest,
    read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A>
  ): Effect.Effect<A, SyncError> =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const result = yield* client.execute(request).pipe(
        Effect.mapError(() => new SyncUnavailable({ app, reason: "network" })),
        Effect.flatMap(checkStatus(app)),
        Effect.flatMap(read),
        Effect.timeoutFail({
          duration: upstreamTimeout,
          onTimeout: () => new SyncUnavailable({ app, reason: "timeout" })
        }),
        Effect.either
      )
      const seconds = ((yield* Clock.currentTimeMillis) - started) / 1000
      yield* metrics.upstreamRequest("mana-sync", result._tag === "Right" ? "success" : outcomeOf(result.left), seconds)
      return yield* result
    })

  const transport: SyncTransport = {
    pull: ({ app, caller, clientId, since, table }) =>
      send(
        app,
        HttpClientRequest.get(`${syncUrl}/sync/${encodeURIComponent(app)}/pull`).pipe(
          HttpClientRequest.setUrlParams({ collection: table, since }),
          withCaller(caller, clientId)
        ),
        // A 200 whose body is not the pull shape is a mana-sync bug, not something an agent can act on.
        // The parse error is dropped: it would quote record values (ciphertext, plaintext fields) into the logs.
        (response) =>
          Effect.flatMap(response.json, Schema.decodeUnknown(PullResponse)).pipe(
            Effect.orDieWith(() => new Error(`mana-sync pull response for ${app} does not match the protocol`))
          )
      ),
    push: ({ app, body, caller, clientId }) =>
      send(
        app,
        HttpClientRequest.post(`${syncUrl}/sync/${encodeURIComponent(app)}`).pipe(
          HttpClientRequest.bodyUnsafeJson(body),
          withCaller(caller, clientId)
        ),
        // The push response's server delta is ignored; the body is drained so the connection is reused.
        (response) => Effect.ignore(response.text)
      )
  }
  return transport
})

/** The live `SyncClient`. Needs `HttpClient`, `Upstreams`, `ManaConfig`, `Metrics`, `Ids` and `ReadCache`. */
export const SyncClientHttp = Layer.effect(
  SyncClient,
  Effect.gen(function*() {
    const client = yield* makeSyncClient(yield* httpTransport)
    return { read: client.read, push: client.push }
  })
)

/** `SyncClientHttp` with its own read cache and live ids; still needs `HttpClient`, `Upstreams`, `ManaConfig`, `Metrics`. */
export const SyncClientHttpLive = SyncClientHttp.pipe(Layer.provide(Layer.merge(ReadCache.layer, Ids.layer)))
