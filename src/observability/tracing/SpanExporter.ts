/**
 * The bounded OTLP/HTTP span exporter. Finished spans go into a fixed-size queue; one fiber sends
 * them in batches (when a batch is full, or after the schedule delay) with a per-request timeout.
 * When the collector is slow or down nothing waits for it: a full queue drops new spans and a
 * failed or timed-out batch is dropped, never retried, and both are counted in
 * `mana_mcp_trace_spans_dropped_total`. (`@effect/opentelemetry`'s own exporter buffers without a
 * bound and drops silently, hence this one; its resource and serialization are reused.)
 */
import * as OtlpResource from "@effect/opentelemetry/OtlpResource"
import * as OtlpSerialization from "@effect/opentelemetry/OtlpSerialization"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Chunk, Effect, Fiber, Option, Queue, Redacted, type Scope } from "effect"
import { Metrics } from "../Metrics.ts"
import type { OtlpSpan } from "./otlpSpan.ts"
import type { TraceExport } from "./TracingSettings.ts"

export interface SpanExporter {
  /** Never blocks: a span that does not fit in the queue is dropped and counted. */
  readonly push: (span: OtlpSpan) => void
}

const serializationOf = (protocol: TraceExport["protocol"]) =>
  Effect.provide(
    OtlpSerialization.OtlpSerialization,
    protocol === "http/json" ? OtlpSerialization.layerJson : OtlpSerialization.layerProtobuf
  )

/** How long shutdown waits for the last spans to reach the collector. */
const shutdownFlushMillis = 2_000

export const makeSpanExporter = (
  options: TraceExport
): Effect.Effect<SpanExporter, never, HttpClient.HttpClient | Metrics | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const metrics = yield* Metrics
    const serialization = yield* serializationOf(options.protocol)
    const resource = OtlpResource.make({
      serviceName: options.serviceName,
      serviceVersion: "0.1.0",
      ...(options.instanceId === undefined ? {} : { attributes: { "service.instance.id": options.instanceId } })
    })
    const scope = { name: "mana-mcp" }
    const queue = yield* Queue.dropping<OtlpSpan>(options.maxQueueSize)
    const batchFull = yield* Effect.makeLatch(false)
    // Drops happen inside synchronous span ends; the count reaches the metric on the next flush.
    let droppedUnreported = 0

    const request = HttpClientRequest.post(options.url).pipe(
      HttpClientRequest.setHeaders(Redacted.value(options.headers))
    )
    const send = (spans: Chunk.Chunk<OtlpSpan>) => {
      const body = serialization.traces({
        resourceSpans: [{ resource, scopeSpans: [{ scope, spans: Chunk.toReadonlyArray(spans) }] }]
      })
      return client.execute(HttpClientRequest.setBody(request, body)).pipe(
        Effect.flatMap((response) =>
          response.status >= 200 && response.status < 300
            ? Effect.ignore(response.text)
            : Effect.fail(`collector answered ${response.status}`)
        ),
        Effect.scoped,
        // Interruptible even inside the loop's uninterruptible drain, or the timeout could not cut it.
        Effect.interruptible,
        Effect.timeoutFail({ duration: options.exportTimeoutMillis, onTimeout: () => "collector timed out" }),
        Effect.matchCauseEffect({
          onSuccess: () => metrics.traceSpansExported(spans.length),
          onFailure: () => metrics.traceSpansDropped("export-failed", spans.length)
        }),
        // The exporter's own requests must not produce spans (that would feed itself).
        Effect.withTracerEnabled(false)
      )
    }

    const reportQueueDrops = Effect.suspend(() => {
      const dropped = droppedUnreported
      droppedUnreported = 0
      return dropped === 0 ? Effect.void : metrics.traceSpansDropped("queue-full", dropped)
    })

    const drain: Effect.Effect<void> = Effect.gen(function*() {
      yield* reportQueueDrops
      const batch = yield* Queue.takeUpTo(queue, options.maxBatchSize)
      if (Chunk.isEmpty(batch)) return
      yield* send(batch)
      yield* drain
    })

    // A batch in flight is finished (it has its own timeout), not cut, when the loop stops.
    const loop = yield* batchFull.await.pipe(
      Effect.timeout(options.scheduleDelayMillis),
      Effect.ignore,
      Effect.zipRight(batchFull.close),
      Effect.zipRight(Effect.uninterruptible(drain)),
      Effect.forever,
      Effect.forkDaemon
    )
    // On shutdown: stop the loop, then send what is left, within a bound.
    yield* Effect.addFinalizer(() =>
      Fiber.interrupt(loop).pipe(
        Effect.zipRight(drain),
        Effect.interruptible,
        Effect.timeout(shutdownFlushMillis),
        Effect.ignore
      )
    )

    return {
      push: (span) => {
        if (!queue.unsafeOffer(span)) {
          droppedUnreported += 1
          return
        }
        if (Option.getOrElse(queue.unsafeSize(), () => 0) >= options.maxBatchSize) batchFull.unsafeOpen()
      }
    }
  })
