/**
 * Joins logs and traces: every log line written inside a span carries `trace_id` and `span_id`
 * (the OpenTelemetry log field names), so an operator can go from a log line to its trace in
 * Jaeger/Tempo, and from an audit line's `traceId` to the log lines of that call. Lines outside
 * any span are unchanged.
 */
import { Context, Effect, FiberRef, FiberRefs, HashMap, HashSet, Logger, type Scope, Tracer } from "effect"

/** `logger`, with the current span's ids added to each entry's annotations. */
export const withTraceIds = <M, O>(logger: Logger.Logger<M, O>): Logger.Logger<M, O> =>
  Logger.mapInputOptions(logger, (options) => {
    const span = Context.getOption(FiberRefs.getOrDefault(options.context, FiberRef.currentContext), Tracer.ParentSpan)
    if (span._tag === "None") return options
    return {
      ...options,
      annotations: HashMap.set(
        HashMap.set(options.annotations, "trace_id", span.value.traceId),
        "span_id",
        span.value.spanId
      )
    }
  })

/** For the rest of the current scope, every installed logger adds the ids (see `withTraceIds`). */
export const correlateLogs: Effect.Effect<void, never, Scope.Scope> = Effect.locallyScopedWith(
  FiberRef.currentLoggers,
  (loggers) => HashSet.map(loggers, withTraceIds)
)
