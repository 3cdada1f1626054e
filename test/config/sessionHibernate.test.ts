import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Either, Option } from "effect"
import { describeConfigError, manaConfig } from "../../src/config/Config.ts"

const hibernateAfter = (env: Record<string, string>) =>
  Effect.runSync(
    Effect.either(Effect.withConfigProvider(manaConfig, ConfigProvider.fromMap(new Map(Object.entries(env)))))
  ).pipe(Either.map((config) => Option.map(config.sessionHibernateAfter, Duration.toMillis)))

describe("SESSION_HIBERNATE_AFTER", () => {
  it("defaults to 30 s and takes a duration", () => {
    expect(hibernateAfter({})).toEqual(Either.right(Option.some(30_000)))
    expect(hibernateAfter({ SESSION_HIBERNATE_AFTER: "1s" })).toEqual(Either.right(Option.some(1_000)))
    expect(hibernateAfter({ SESSION_HIBERNATE_AFTER: "2 minutes" })).toEqual(Either.right(Option.some(120_000)))
  })

  it("is turned off by off, 0 or 0s", () => {
    for (const value of ["off", "0", "0s"]) {
      expect(hibernateAfter({ SESSION_HIBERNATE_AFTER: value })).toEqual(Either.right(Option.none()))
    }
  })

  it("rejects anything else with one line naming the variable and the accepted forms", () => {
    for (const value of ["soon", "-5s", "never"]) {
      const result = hibernateAfter({ SESSION_HIBERNATE_AFTER: value })
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(describeConfigError(result.left)).toContain("SESSION_HIBERNATE_AFTER")
        expect(describeConfigError(result.left)).toContain("or off")
      }
    }
  })
})
