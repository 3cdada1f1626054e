import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, TestClock } from "effect"
import { Metrics } from "../../src/observability/Metrics.ts"
import type { OtlpSpan } from "../../src/observability/tracing/otlpSpan.ts"
import { makeSpanExporter } from "../../src/observability/tracing/SpanExporter.ts"
import type { TraceExport } from "../../src/observability/tracing/TracingSettings.ts"

const settings: TraceExport = {
  url: "http://collector.test/v1/traces",
  protocol: "http/json",
  headers: Redacted.make({}),
  serviceName: "mana-mcp",
  sampler: { parentBased: true, root: { _tag: "AlwaysOn" } },
  maxQueueSize: 3,
  maxBatchSize: 2,
  scheduleDelayMillis: 1_000,
  exportTimeoutMillis: 5_000
}

const span = (index: number): OtlpSpan => ({
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: index.toString(16).padStart(16, "0"),
  parentSpanId: undefined,
  name: `span ${index}`,
  kind: 1,
  startTimeUnixNano: "1",
  endTimeUnixNano: "2",
  attributes: [],
  droppedAttributesCount: 0,
  events: [],
  droppedEventsCount: 0,
  status: { code: 0 },
  links: [],
  droppedLinksCount: 0
})

/** A collector that answers `status`, or never answers at all. */
const collector = (status: number | "hang", sent: Array<number>) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      status === "hang"
        ? Effect.never
        : Effect.sync(() => {
          sent.push(1)
          return HttpClientResponse.fromWeb(request, new Response("{}", { status }))
        })
    )
  )

const counter = (text: string, name: string, reason?: string) => {
  const line = text.split("\n").find((entry) =>
    entry.startsWith(`${name}{`) && (reason === undefined || entry.includes(`reason="${reason}"`))
  )
  return line === undefined ? 0 : Number(line.split(" ").at(-1))
}

describe("SpanExporter", () => {
  it.scoped("drops what does not fit in the queue and a batch the collector does not take in time, counting both", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics
      const exporter = yield* makeSpanExporter(settings)
      for (let index = 0; index < 5; index++) exporter.push(span(index))
      // The queue holds 3; 2 were dropped. A full batch wakes the exporter, which hangs on the collector.
      yield* TestClock.adjust(settings.scheduleDelayMillis)
      assert.strictEqual(counter(yield* metrics.render, "mana_mcp_trace_spans_dropped_total", "queue-full"), 2)
      assert.strictEqual(counter(yield* metrics.render, "mana_mcp_trace_spans_dropped_total", "export-failed"), 0)
      yield* TestClock.adjust(settings.exportTimeoutMillis)
      // The timed-out batch of 2 is dropped, the next one (the last queued span) times out too.
      yield* TestClock.adjust(settings.exportTimeoutMillis)
      assert.strictEqual(counter(yield* metrics.render, "mana_mcp_trace_spans_dropped_total", "export-failed"), 3)
    }).pipe(Effect.provide(Layer.merge(Metrics.layer, collector("hang", [])))))

  it.scoped("sends batches of at most maxBatchSize and counts exported spans; a refused batch is dropped", () =>
    Effect.gen(function*() {
      const sent: Array<number> = []
      const metrics = yield* Metrics
      const exporter = yield* makeSpanExporter(settings).pipe(Effect.provide(collector(200, sent)))
      exporter.push(span(1))
      exporter.push(span(2))
      exporter.push(span(3))
      yield* TestClock.adjust(settings.scheduleDelayMillis)
      assert.strictEqual(sent.length, 2)
      assert.strictEqual(counter(yield* metrics.render, "mana_mcp_trace_spans_exported_total"), 3)

      const refusing = yield* makeSpanExporter(settings).pipe(Effect.provide(collector(503, [])))
      refusing.push(span(4))
      yield* TestClock.adjust(settings.scheduleDelayMillis)
      assert.strictEqual(counter(yield* metrics.render, "mana_mcp_trace_spans_dropped_total", "export-failed"), 1)
    }).pipe(Effect.provide(Metrics.layer)))

  it.scoped("flushes the queue when its scope closes", () =>
    Effect.gen(function*() {
      const sent: Array<number> = []
      const metrics = yield* Metrics
      yield* Effect.scoped(
        Effect.gen(function*() {
          const exporter = yield* makeSpanExporter(settings).pipe(Effect.provide(collector(200, sent)))
          exporter.push(span(1))
        })
      )
      assert.strictEqual(sent.length, 1)
      assert.strictEqual(counter(yield* metrics.render, "mana_mcp_trace_spans_exported_total"), 1)
    }).pipe(Effect.provide(Metrics.layer)))

  it.scoped("sends OTLP protobuf when asked: binary body whose trace id is the span's", () =>
    Effect.gen(function*() {
      const bodies: Array<{ readonly contentType: string; readonly bytes: Uint8Array }> = []
      const client = Layer.succeed(
        HttpClient.HttpClient,
        HttpClient.make((request) =>
          Effect.sync(() => {
            if (request.body._tag === "Uint8Array") {
              bodies.push({ contentType: request.body.contentType, bytes: request.body.body })
            }
            return HttpClientResponse.fromWeb(request, new Response("", { status: 200 }))
          })
        )
      )
      const exporter = yield* makeSpanExporter({ ...settings, protocol: "http/protobuf" }).pipe(Effect.provide(client))
      exporter.push(span(1))
      yield* TestClock.adjust(settings.scheduleDelayMillis)
      assert.strictEqual(bodies.length, 1)
      assert.strictEqual(bodies[0]?.contentType, "application/x-protobuf")
      assert.isTrue(Buffer.from(bodies[0]?.bytes ?? []).includes(Buffer.from(span(1).traceId, "hex")))
    }).pipe(Effect.provide(Metrics.layer)))
})
