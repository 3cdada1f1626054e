import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Redacted } from "effect"
import { describeConfigError, manaConfig } from "../../src/config/Config.ts"
import { otlpHeaders, tracesUrl } from "../../src/config/otel.ts"

const configFrom = (env: Record<string, string>) =>
  Effect.runSync(
    Effect.either(Effect.withConfigProvider(manaConfig, ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )

describe("OTEL_* configuration", () => {
  it("is off without an endpoint, and with OTEL_SDK_DISABLED", () => {
    expect(Either.getOrThrow(configFrom({})).tracing._tag).toBe("Off")
    const disabled = configFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })
    expect(Either.getOrThrow(disabled).tracing._tag).toBe("Off")
  })

  it("derives the traces URL from the base endpoint; the signal endpoint is used as written", () => {
    expect(tracesUrl(new URL("http://collector:4318"), undefined)).toBe("http://collector:4318/v1/traces")
    expect(tracesUrl(new URL("http://collector:4318/otlp/"), undefined)).toBe("http://collector:4318/otlp/v1/traces")
    expect(tracesUrl(new URL("http://a:4318"), new URL("http://b:4318/custom"))).toBe("http://b:4318/custom")
  })

  it("reads the spec's defaults and keeps the headers redacted", () => {
    const config = Either.getOrThrow(configFrom({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=abc%3D1, Authorization = Basic%20xyz"
    }))
    if (config.tracing._tag !== "Otlp") throw new Error("expected export to be on")
    const settings = config.tracing.export
    expect(settings).toMatchObject({
      url: "http://collector:4318/v1/traces",
      protocol: "http/protobuf",
      serviceName: "mana-mcp",
      sampler: { parentBased: true, root: { _tag: "AlwaysOn" } },
      maxQueueSize: 2048,
      maxBatchSize: 512
    })
    expect(Redacted.value(settings.headers)).toEqual({ "x-honeycomb-team": "abc=1", authorization: "Basic xyz" })
    expect(String(settings.headers)).not.toContain("abc")
  })

  it("rejects an unknown sampler, protocol or ratio with one line naming the variable", () => {
    for (
      const [name, value] of [
        ["OTEL_TRACES_SAMPLER", "sometimes"],
        ["OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"],
        ["OTEL_TRACES_SAMPLER_ARG", "1.5"],
        ["OTEL_EXPORTER_OTLP_HEADERS", "no-equals-sign"]
      ] as const
    ) {
      const result = configFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", [name]: value })
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(describeConfigError(result.left)).toContain(name)
    }
    expect(Either.isLeft(otlpHeaders("k=%E0%A4%A"))).toBe(true)
  })
})
