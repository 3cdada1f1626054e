/**
 * Installs tracing for the gateway's fibers. With an OTLP endpoint configured, every span
 * (the HTTP request, auth, space check, policy, tool, upstream calls, decrypt batches) goes to
 * a sampling tracer whose sampled spans are exported by `SpanExporter`. Without one, Effect's
 * in-process tracer stays (ids for log correlation and `traceparent` propagation, nothing
 * exported) and the per-request HTTP server span is switched off, so tracing costs next to
 * nothing. Either way only `/mcp` requests get an HTTP span: probes and scrapes are not traces.
 */
import { HttpClient, HttpMiddleware, type HttpServerRequest } from "@effect/platform"
import { Effect, type Scope, Tracer } from "effect"
import type { Metrics } from "../Metrics.ts"
import { childSpansEnabled } from "./childSpan.ts"
import { type OtlpSpan, randomHexId, RecordingSpan, UnsampledSpan } from "./otlpSpan.ts"
import { shouldSample } from "./sampler.ts"
import { makeSpanExporter } from "./SpanExporter.ts"
import type { Sampler, TracingSettings } from "./TracingSettings.ts"

export const makeTracer = (sampler: Sampler, onEnd: (span: OtlpSpan) => void): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const traceId = parent._tag === "Some" ? parent.value.traceId : randomHexId(16)
      const init = { name, parent, context, links, startTime, kind, traceId }
      return shouldSample(sampler, parent, traceId) ? new RecordingSpan(init, onEnd) : new UnsampledSpan(init)
    },
    context: (f) => f()
  })

const notMcp = (request: HttpServerRequest.HttpServerRequest) => !request.url.startsWith("/mcp")

/**
 * For the rest of the current scope, this fiber (and every runtime captured from it) traces
 * per `settings`. The exporter's queue is flushed when the scope closes.
 */
export const installTracing = (
  settings: TracingSettings
): Effect.Effect<void, never, HttpClient.HttpClient | Metrics | Scope.Scope> =>
  Effect.gen(function*() {
    if (settings._tag === "Off") {
      yield* Effect.locallyScoped(HttpMiddleware.currentTracerDisabledWhen, () => true)
      // Nothing is exported, so the HTTP client's own span (URL, redacted headers, propagation
      // headers) would be built and dropped on every upstream call. The agent's `traceparent`
      // still reaches mana-sync: SyncClientHttp forwards the caller's header itself.
      yield* Effect.locallyScoped(HttpClient.currentTracerDisabledWhen, () => true)
      // Child spans (policy gate, sync reads, decrypt batches) would be built and dropped too.
      yield* Effect.locallyScoped(childSpansEnabled, false)
      return
    }
    yield* Effect.locallyScoped(HttpMiddleware.currentTracerDisabledWhen, notMcp)
    const exporter = yield* makeSpanExporter(settings.export)
    yield* Effect.withTracerScoped(makeTracer(settings.export.sampler, exporter.push))
  })

/** HTTP server span names per the HTTP semantic conventions, `{method} {route}`; only `/mcp` is traced. */
export const httpSpanName = (request: HttpServerRequest.HttpServerRequest) => `${request.method} /mcp`
