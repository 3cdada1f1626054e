/**
 * The sampling decision for a new span, per the OpenTelemetry samplers `always_on`,
 * `always_off`, `traceidratio` and their `parentbased_*` forms. The ratio decision is a pure
 * function of the trace id, so every service that sees the same trace decides the same way.
 */
import { Option, type Tracer } from "effect"
import type { Sampler } from "./TracingSettings.ts"

/** The upper 56 bits of the random part of the trace id, as a fraction of 2^56. */
const traceIdFraction = (traceId: string): number => parseInt(traceId.slice(-14), 16) / 2 ** 56

export const shouldSample = (sampler: Sampler, parent: Option.Option<Tracer.AnySpan>, traceId: string): boolean => {
  if (sampler.parentBased && Option.isSome(parent)) return parent.value.sampled
  switch (sampler.root._tag) {
    case "AlwaysOn":
      return true
    case "AlwaysOff":
      return false
    case "Ratio":
      return traceIdFraction(traceId) < sampler.root.ratio
  }
}
