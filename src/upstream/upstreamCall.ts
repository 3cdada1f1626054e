/**
 * The one way the gateway calls mana-auth and mana-sync (docs/upstreams.md §1): base URL, the
 * caller's bearer token (unwrapped only while the client writes the header), `UPSTREAM_TIMEOUT`
 * per attempt, a retry of transient failures for idempotent GETs, one
 * `mana_mcp_upstream_request_duration_seconds` sample per attempt and one span per call. What a
 * status means and how a body is read is the caller's: it maps them to its own typed errors.
 */
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Cause, Clock, type Context, Effect, Exit, Option, type Redacted, Runtime, Schedule } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { Upstreams } from "../config/Upstreams.ts"
import { Metrics, type UpstreamName, type UpstreamOutcome } from "../observability/Metrics.ts"

type Response = HttpClientResponse.HttpClientResponse

interface RequestBase<A, E> {
  /** The span's name, e.g. `MasterKeys.fetch`. */
  readonly span: string
  /** Below the upstream's base URL, starting with `/`. */
  readonly path: string
  readonly token: Redacted.Redacted<string>
  readonly headers?: Readonly<Record<string, string>>
  /** The caller's error when no answer came in time or at all. */
  readonly unavailable: (reason: "network" | "timeout") => E
  /** The caller's error for a non-2xx answer; it may read the body (an error code, the server's text). */
  readonly refused: (response: Response) => Effect.Effect<E>
  /** Reads a 2xx answer; failing here means the upstream answered wrongly (a server error). */
  readonly read: (response: Response) => Effect.Effect<A, E>
}

export type UpstreamRequest<A, E> =
  | RequestBase<A, E> & {
    readonly method: "GET"
    readonly urlParams?: Readonly<Record<string, string>>
    /** Retries network failures, timeouts and 5xx answers on this schedule. Reads only. */
    readonly retry?: Schedule.Schedule<unknown, unknown>
  }
  | RequestBase<A, E> & { readonly method: "POST"; readonly body: unknown }

class AttemptFailed<E> {
  constructor(readonly error: E, readonly outcome: UpstreamOutcome, readonly transient: boolean) {}
}

export const outcomeOfStatus = (status: number): UpstreamOutcome =>
  status >= 200 && status < 300 ? "success" : status >= 500 ? "server-error" : "client-error"

const failureOf = <E>(cause: Cause.Cause<E>) => Option.getOrUndefined(Cause.failureOption(cause))

/** A defect while reading a 2xx answer (a body off the protocol) is the upstream's fault too. */
const attemptOutcome = <A, E>(exit: Exit.Exit<A, AttemptFailed<E>>): UpstreamOutcome =>
  Exit.isSuccess(exit) ? "success" : failureOf(exit.cause)?.outcome ?? "server-error"

const fetchOutcome = (exit: Exit.Exit<globalThis.Response, unknown>): UpstreamOutcome => {
  if (Exit.isSuccess(exit)) return outcomeOfStatus(exit.value.status)
  const error = failureOf(exit.cause)
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
    ? "timeout"
    : "network-error"
}

/**
 * Runs `effect` once and records its duration under the outcome `outcomeOf` gives its exit.
 * Milliseconds, not `Effect.timed`: TestClock cannot give nanoseconds after a jittered retry.
 */
const measured = <A, E>(
  metrics: Context.Tag.Service<Metrics>,
  upstream: UpstreamName,
  effect: Effect.Effect<A, E>,
  outcomeOf: (exit: Exit.Exit<A, E>) => UpstreamOutcome
) =>
  Effect.flatMap(
    Clock.currentTimeMillis,
    (started) =>
      Effect.flatMap(Effect.exit(effect), (exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (ended) =>
          Effect.zipRight(metrics.upstreamRequest(upstream, outcomeOf(exit), (ended - started) / 1000), exit)))
  )

/**
 * `Effect.retry(first, { schedule, while: transient })`, but the schedule's driver is only built
 * once an attempt has failed transiently: the common first-attempt success costs no retry machinery.
 */
const retryAfterFailure = <A, E>(
  attempt: Effect.Effect<A, AttemptFailed<E>>,
  schedule: Schedule.Schedule<unknown, unknown>
): Effect.Effect<A, AttemptFailed<E>> =>
  Effect.catchAll(attempt, (first) =>
    first.transient
      ? Effect.flatMap(Schedule.driver(schedule), (driver) => {
        const again = (failed: AttemptFailed<E>): Effect.Effect<A, AttemptFailed<E>> =>
          failed.transient
            ? Effect.matchEffect(driver.next(failed), {
              onFailure: () => Effect.fail(failed),
              onSuccess: () => Effect.catchAll(attempt, again)
            })
            : Effect.fail(failed)
        return again(first)
      })
      : Effect.fail(first))

/** The call function for one upstream. Needs `HttpClient`, `Upstreams`, `ManaConfig` and `Metrics`. */
export const makeUpstreamCall = (upstream: UpstreamName) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const upstreams = yield* Upstreams
    const { upstreamTimeout } = yield* ManaConfig
    const metrics = yield* Metrics
    const baseUrl = upstream === "mana-auth" ? upstreams.authUrl : upstreams.syncUrl
    // HTTP client semantic conventions: host and port of the upstream, never the query or a token.
    const base = new URL(baseUrl)
    const serverAttributes = {
      "server.address": base.hostname,
      "server.port": Number(base.port || (base.protocol === "https:" ? 443 : 80))
    }

    const attempt = <A, E>(spec: UpstreamRequest<A, E>, request: HttpClientRequest.HttpClientRequest) =>
      measured(
        metrics,
        upstream,
        client.execute(request).pipe(
          Effect.mapError(() => new AttemptFailed(spec.unavailable("network"), "network-error", true)),
          Effect.flatMap((response): Effect.Effect<A, AttemptFailed<E>> => {
            const outcome = outcomeOfStatus(response.status)
            if (outcome === "success") {
              return Effect.mapError(spec.read(response), (error) => new AttemptFailed(error, "server-error", false))
            }
            const transient = outcome === "server-error"
            return Effect.flatMap(
              spec.refused(response),
              (error) => Effect.fail(new AttemptFailed(error, outcome, transient))
            )
          }),
          Effect.timeoutFail({
            duration: upstreamTimeout,
            onTimeout: () => new AttemptFailed(spec.unavailable("timeout"), "timeout", true)
          })
        ),
        attemptOutcome
      )

    return <A, E>(spec: UpstreamRequest<A, E>): Effect.Effect<A, E> => {
      const url = `${baseUrl}${spec.path}`
      const request = (spec.method === "GET"
        ? HttpClientRequest.get(url, { urlParams: spec.urlParams ?? {} })
        : HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUnsafeJson(spec.body))).pipe(
          HttpClientRequest.bearerToken(spec.token),
          HttpClientRequest.setHeaders(spec.headers ?? {})
        )
      const retry = spec.method === "GET" ? spec.retry : undefined
      return (retry === undefined
        ? attempt(spec, request)
        : retryAfterFailure(attempt(spec, request), retry)).pipe(
          Effect.mapError((failed) => failed.error),
          Effect.withSpan(spec.span, {
            attributes: {
              "upstream.name": upstream,
              "http.request.method": spec.method,
              ...serverAttributes,
              "url.path": spec.path.split("?")[0]
            },
            captureStackTrace: false
          })
        )
    }
  })

/**
 * A WHATWG `fetch` for libraries that fetch by themselves (jose's remote JWKS): the global fetch,
 * timed and counted like calls. The library applies its own timeout and status rules.
 */
export const makeUpstreamFetch = (upstream: UpstreamName) =>
  Effect.gen(function*() {
    const metrics = yield* Metrics
    // The library calls back outside any fiber; this runtime runs the timing and the metric.
    const run = Runtime.runPromise(yield* Effect.runtime<never>())
    return (url: string | URL, init?: RequestInit): Promise<globalThis.Response> => {
      const request = Effect.tryPromise({ try: () => fetch(url, init), catch: (error) => error })
      return run(Effect.either(measured(metrics, upstream, request, fetchOutcome)))
        .then((result) => result._tag === "Right" ? result.right : Promise.reject(result.left))
    }
  })
