import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Either } from "effect"
import { describeConfigError, manaConfig } from "../../src/config/Config.ts"

const configFrom = (env: Record<string, string>) =>
  Effect.runSync(
    Effect.either(Effect.withConfigProvider(manaConfig, ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )
const freshnessMillis = (env: Record<string, string>) =>
  Duration.toMillis(Either.getOrThrow(configFrom(env)).readFreshness)

describe("READ_FRESHNESS", () => {
  it("defaults to one second", () => {
    expect(freshnessMillis({})).toBe(1_000)
  })

  it("takes 0 (pull on every read) and durations", () => {
    expect(freshnessMillis({ READ_FRESHNESS: "0" })).toBe(0)
    expect(freshnessMillis({ READ_FRESHNESS: "0s" })).toBe(0)
    expect(freshnessMillis({ READ_FRESHNESS: "250ms" })).toBe(250)
    expect(freshnessMillis({ READ_FRESHNESS: "5 seconds" })).toBe(5_000)
  })

  it("rejects anything else with one line naming the variable and the accepted forms", () => {
    for (const value of ["-1s", "soon", "1.5s", "0x"]) {
      const result = configFrom({ READ_FRESHNESS: value })
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(describeConfigError(result.left)).toMatch(/READ_FRESHNESS.*accepted: 0, or/)
    }
  })
})
