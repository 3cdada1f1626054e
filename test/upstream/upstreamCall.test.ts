/**
 * The upstream call helper against a scripted HttpClient: base URL, bearer token and headers on
 * the wire, the caller's status mapping, which failures a GET retries (and that a POST never
 * does), the per-attempt timeout, and one metric sample per attempt with the wire's outcome.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Redacted, Ref, Schedule, TestClock } from "effect"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { makeUpstreamCall, type UpstreamRequest } from "../../src/upstream/upstreamCall.ts"

class Failed {
  constructor(readonly why: string) {}
}

/** Answers each request with the next scripted response (`"hang"` never answers, `"drop"` fails the network). */
const scripted = (script: ReadonlyArray<Response | "hang" | "drop">) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<{ url: string; auth?: string; accept?: string }>>([])
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const index = (yield* Ref.getAndUpdate(seen, (s) => [...s, {
          url: url.toString(),
          ...(request.headers["authorization"] === undefined ? {} : { auth: request.headers["authorization"] }),
          ...(request.headers["accept"] === undefined ? {} : { accept: request.headers["accept"] })
        }])).length
        const next = script[Math.min(index, script.length - 1)]
        if (next === undefined || next === "hang") return yield* Effect.never
        if (next === "drop") return yield* new HttpClientError.RequestError({ request, reason: "Transport" })
        return HttpClientResponse.fromWeb(request, next.clone())
      })
    )
    const layer = Layer.mergeAll(
      Layer.succeed(HttpClient.HttpClient, client),
      Layer.succeed(Upstreams, { authUrl: "http://auth.test", syncUrl: "http://sync.test", issuers: [] }),
      ManaConfig.layerWith({ upstreamTimeout: Duration.seconds(2) }),
      Metrics.layer
    )
    return { seen, layer }
  })

const get = (overrides: Partial<UpstreamRequest<string, Failed>> = {}): UpstreamRequest<string, Failed> => ({
  span: "Test.get",
  method: "GET",
  path: "/thing",
  token: Redacted.make("secret-jwt"),
  unavailable: (reason) => new Failed(reason),
  refused: (response) => Effect.succeed(new Failed(`status ${response.status}`)),
  read: (response) => Effect.mapError(response.text, () => new Failed("unreadable")),
  ...overrides
} as UpstreamRequest<string, Failed>)

const retrying = Schedule.spaced("100 millis").pipe(Schedule.intersect(Schedule.recurs(2)))

const samples = Effect.gen(function*() {
  const text = yield* Effect.flatMap(Metrics, (metrics) => metrics.render)
  return text.split("\n")
    .filter((line) => line.startsWith("mana_mcp_upstream_request_duration_seconds_count"))
    .map((line) => `${/outcome="([^"]+)"/.exec(line)?.[1]}=${line.split(" ").at(-1)}`)
    .sort()
})

describe("makeUpstreamCall", () => {
  it.effect("sends to the upstream's base URL with the bearer token and headers, and reads a 2xx", () =>
    Effect.gen(function*() {
      const { layer, seen } = yield* scripted([new Response("hello")])
      const result = yield* Effect.gen(function*() {
        const call = yield* makeUpstreamCall("mana-auth")
        return yield* call(get({ headers: { accept: "application/json" }, urlParams: { q: "a b" } }))
      }).pipe(Effect.provide(layer))
      assert.strictEqual(result, "hello")
      assert.deepStrictEqual(yield* Ref.get(seen), [{
        url: "http://auth.test/thing?q=a+b",
        auth: "Bearer secret-jwt",
        accept: "application/json"
      }])
    }))

  it.effect("retries a GET's 5xx and network failures on its schedule, never a 4xx, and samples every attempt", () =>
    Effect.gen(function*() {
      const { layer, seen } = yield* scripted([new Response("", { status: 503 }), "drop", new Response("ok")])
      const outcome = yield* Effect.gen(function*() {
        const call = yield* makeUpstreamCall("mana-sync")
        const fiber = yield* Effect.fork(call(get({ retry: retrying })))
        yield* TestClock.adjust("1 second")
        return { result: yield* Fiber.join(fiber), samples: yield* samples }
      }).pipe(Effect.provide(layer))
      assert.strictEqual(outcome.result, "ok")
      assert.strictEqual((yield* Ref.get(seen)).length, 3)
      assert.deepStrictEqual(outcome.samples, ["network-error=1", "server-error=1", "success=1"])

      const refused = yield* scripted([new Response("", { status: 404 }), new Response("ok")])
      const error = yield* Effect.gen(function*() {
        const call = yield* makeUpstreamCall("mana-sync")
        return yield* Effect.flip(call(get({ retry: retrying })))
      }).pipe(Effect.provide(refused.layer))
      assert.strictEqual(error.why, "status 404")
      assert.strictEqual((yield* Ref.get(refused.seen)).length, 1)
    }))

  it.effect("never retries a POST, and a 2xx the caller cannot read counts as a server error", () =>
    Effect.gen(function*() {
      const { layer, seen } = yield* scripted([new Response("", { status: 500 }), new Response("ok")])
      const result = yield* Effect.gen(function*() {
        const call = yield* makeUpstreamCall("mana-sync")
        const post = { ...get(), method: "POST", body: { a: 1 } } as UpstreamRequest<string, Failed>
        const first = yield* Effect.flip(call(post))
        const second = yield* Effect.flip(call({ ...post, read: () => Effect.fail(new Failed("bad body")) }))
        return { first: first.why, second: second.why, samples: yield* samples }
      }).pipe(Effect.provide(layer))
      assert.deepStrictEqual(result, { first: "status 500", second: "bad body", samples: ["server-error=2"] })
      assert.strictEqual((yield* Ref.get(seen)).length, 2)
    }))

  it.effect("gives up an attempt after the upstream timeout with the caller's timeout error", () =>
    Effect.gen(function*() {
      const { layer } = yield* scripted(["hang"])
      const result = yield* Effect.gen(function*() {
        const call = yield* makeUpstreamCall("mana-auth")
        const fiber = yield* Effect.fork(Effect.flip(call(get())))
        yield* TestClock.adjust("3 seconds")
        return { error: (yield* Fiber.join(fiber)).why, samples: yield* samples }
      }).pipe(Effect.provide(layer))
      assert.deepStrictEqual(result, { error: "timeout", samples: ["timeout=1"] })
    }))
})
