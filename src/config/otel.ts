/**
 * Parsers for the OpenTelemetry environment variables (`OTEL_*`, per the OpenTelemetry SDK
 * environment specification), combined into `TracingSettings` by `Config.ts`, which names the
 * variables. Unknown samplers and protocols are start-up errors, not silent defaults.
 */
import { Either, Redacted } from "effect"
import type { OtlpProtocol, Sampler, TraceExport, TracingSettings } from "../observability/tracing/TracingSettings.ts"
import { httpUrl, oneOf, type Parse } from "./settings.ts"

export const otlpProtocols = ["http/protobuf", "http/json"] as const satisfies ReadonlyArray<OtlpProtocol>

const samplerNames = [
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
  "always_on",
  "always_off",
  "traceidratio"
] as const
export type SamplerName = (typeof samplerNames)[number]
export const samplerName = oneOf(samplerNames)

/** `OTEL_EXPORTER_OTLP_HEADERS`: `key=value` pairs, comma-separated, values URL-encoded. */
export const otlpHeaders: Parse<Redacted.Redacted<Readonly<Record<string, string>>>> = (raw) => {
  const headers: Record<string, string> = {}
  for (const pair of raw.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "")) {
    const at = pair.indexOf("=")
    const key = at > 0 ? pair.slice(0, at).trim() : ""
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(key)) return Either.left("comma-separated key=value pairs")
    try {
      headers[key.toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim())
    } catch {
      return Either.left("comma-separated key=value pairs with URL-encoded values")
    }
  }
  return Either.right(Redacted.make(headers))
}

/** `OTEL_TRACES_SAMPLER_ARG` for the ratio samplers: a probability from 0 to 1. */
export const samplerRatio: Parse<number> = (raw) => {
  const value = Number(raw)
  return raw !== "" && Number.isFinite(value) && value >= 0 && value <= 1
    ? Either.right(value)
    : Either.left("a number from 0 to 1")
}

export const samplerOf = (name: SamplerName, ratio: number): Sampler => {
  const parentBased = name.startsWith("parentbased_")
  const base = parentBased ? name.slice("parentbased_".length) : name
  const root: Sampler["root"] = base === "always_on"
    ? { _tag: "AlwaysOn" }
    : base === "always_off"
    ? { _tag: "AlwaysOff" }
    : { _tag: "Ratio", ratio }
  return { root, parentBased }
}

/**
 * The traces URL: the signal-specific endpoint as written, else the base endpoint plus
 * `v1/traces` (the spec's rule for `OTEL_EXPORTER_OTLP_ENDPOINT`).
 */
export const tracesUrl = (base: URL | undefined, traces: URL | undefined): string | undefined => {
  if (traces !== undefined) return traces.href
  if (base === undefined) return undefined
  return `${base.href.replace(/\/+$/, "")}/v1/traces`
}

export const otlpEndpoint: Parse<URL> = httpUrl

export type TracingInput = Omit<TraceExport, "url" | "sampler"> & {
  readonly url: string | undefined
  readonly disabled: boolean
  readonly samplerName: SamplerName
  readonly samplerRatio: number
}

export const tracingSettings = (input: TracingInput): TracingSettings => {
  if (input.disabled || input.url === undefined) return { _tag: "Off" }
  const { disabled: _disabled, samplerName: name, samplerRatio: ratio, url, ...rest } = input
  return { _tag: "Otlp", export: { ...rest, url, sampler: samplerOf(name, ratio) } }
}
