/**
 * Spans inside a traced operation (the policy gate, a sync read, a decrypt batch) that only matter
 * when spans leave the process. With tracing off (no OTLP endpoint) nothing is exported, yet each
 * `Effect.withSpan` still builds a span, copies the fiber's context and refs twice and ends the span
 * — ~5 µs per span, several per tool call. `installTracing` switches them off for the gateway's
 * fibers; the spans that give logs and the audit line their trace id (the tool call, the HTTP
 * request) are not child spans and stay. Default on, so anything that never installs tracing
 * (tests with their own tracer) sees every span.
 */
import { Effect, FiberRef, GlobalValue, type Tracer } from "effect"

export const childSpansEnabled: FiberRef.FiberRef<boolean> = GlobalValue.globalValue(
  Symbol.for("mana-mcp/ChildSpansEnabled"),
  () => FiberRef.unsafeMake(true)
)

/** `Effect.withSpan(name, options)` (never capturing a stack trace) while child spans are on; otherwise `effect` as is. */
export const withChildSpan =
  (name: string, options: Omit<Tracer.SpanOptions, "captureStackTrace"> = {}) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.withFiberRuntime((fiber) =>
      fiber.getFiberRef(childSpansEnabled)
        ? Effect.withSpan(effect, name, { ...options, captureStackTrace: false })
        : effect
    )

/** `Effect.annotateCurrentSpan(attributes)` for a child span's attributes: nothing while child spans are off. */
export const annotateChildSpan = (attributes: Record<string, unknown>): Effect.Effect<void> =>
  Effect.withFiberRuntime((fiber) =>
    fiber.getFiberRef(childSpansEnabled) ? Effect.annotateCurrentSpan(attributes) : Effect.void
  )
