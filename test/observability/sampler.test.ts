import { describe, expect, it } from "@effect/vitest"
import { Option, Tracer } from "effect"
import { samplerOf } from "../../src/config/otel.ts"
import { shouldSample } from "../../src/observability/tracing/sampler.ts"

const parent = (sampled: boolean) =>
  Option.some(Tracer.externalSpan({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", sampled }))
const traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
const randomTraceIds = Array.from(
  { length: 2000 },
  () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("")
)

describe("sampler", () => {
  it("parentbased samplers follow the parent's sampled flag, whatever the root rule", () => {
    for (const name of ["parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"] as const) {
      const sampler = samplerOf(name, 0.5)
      expect(shouldSample(sampler, parent(true), traceId)).toBe(true)
      expect(shouldSample(sampler, parent(false), traceId)).toBe(false)
    }
  })

  it("non-parentbased samplers ignore the parent", () => {
    expect(shouldSample(samplerOf("always_on", 1), parent(false), traceId)).toBe(true)
    expect(shouldSample(samplerOf("always_off", 1), parent(true), traceId)).toBe(false)
  })

  it("traceidratio keeps about the configured share of root traces, deterministically per trace id", () => {
    const sampler = samplerOf("traceidratio", 0.25)
    const kept = randomTraceIds.filter((id) => shouldSample(sampler, Option.none(), id)).length
    expect(kept).toBeGreaterThan(2000 * 0.18)
    expect(kept).toBeLessThan(2000 * 0.32)
    for (const id of randomTraceIds.slice(0, 50)) {
      expect(shouldSample(sampler, Option.none(), id)).toBe(shouldSample(sampler, Option.none(), id))
    }
    expect(randomTraceIds.every((id) => !shouldSample(samplerOf("traceidratio", 0), Option.none(), id))).toBe(true)
    expect(randomTraceIds.every((id) => shouldSample(samplerOf("traceidratio", 1), Option.none(), id))).toBe(true)
  })
})
