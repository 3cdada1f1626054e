/**
 * What `OTEL_*` configures for trace export, as parsed by `ManaConfig`: where to send spans, how,
 * which to keep, and the bounds of the export queue. Plain data; no behaviour.
 */
import type { Redacted } from "effect"

/** `OTEL_TRACES_SAMPLER` (+ `_ARG` for the ratio), per the OpenTelemetry SDK environment spec. */
export interface Sampler {
  /** What a root span (no parent) gets. */
  readonly root: { readonly _tag: "AlwaysOn" } | { readonly _tag: "AlwaysOff" } | {
    readonly _tag: "Ratio"
    readonly ratio: number
  }
  /** `parentbased_*`: a span with a parent follows the parent's sampled flag. */
  readonly parentBased: boolean
}

export type OtlpProtocol = "http/protobuf" | "http/json"

export interface TraceExport {
  /** The full OTLP/HTTP traces URL (`…/v1/traces`). */
  readonly url: string
  readonly protocol: OtlpProtocol
  /** `OTEL_EXPORTER_OTLP_HEADERS`: often an API key, so redacted until the request is built. */
  readonly headers: Redacted.Redacted<Readonly<Record<string, string>>>
  readonly serviceName: string
  /** `service.instance.id` when several gateway processes share a port (which one recorded a span). */
  readonly instanceId?: string
  readonly sampler: Sampler
  /** Spans waiting for export; past this, new spans are dropped (and counted). */
  readonly maxQueueSize: number
  readonly maxBatchSize: number
  /** How long a span may wait for its batch to fill. */
  readonly scheduleDelayMillis: number
  /** One export request's timeout; a timed-out batch is dropped, never retried. */
  readonly exportTimeoutMillis: number
}

/** `Off` when no OTLP endpoint is set (or `OTEL_SDK_DISABLED=true`): spans stay in-process. */
export type TracingSettings =
  | { readonly _tag: "Off" }
  | { readonly _tag: "Otlp"; readonly export: TraceExport }
