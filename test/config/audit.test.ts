import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either } from "effect"
import { describeConfigError, manaConfig } from "../../src/config/Config.ts"

const configFrom = (env: Record<string, string>) =>
  Effect.runSync(
    Effect.either(Effect.withConfigProvider(manaConfig, ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )

const production = { MANA_AUTH_URL: "https://auth.example", MANA_SYNC_URL: "https://sync.example" }

describe("AUDIT_LOG", () => {
  it("defaults to stdout in production mode and off in local mode", () => {
    expect(Either.getOrThrow(configFrom(production)).auditLog).toEqual({ _tag: "Stdout" })
    expect(Either.getOrThrow(configFrom({})).auditLog).toEqual({ _tag: "Off" })
  })

  it("takes stdout, off or file:<path> with rotation settings", () => {
    expect(Either.getOrThrow(configFrom({ ...production, AUDIT_LOG: "off" })).auditLog).toEqual({ _tag: "Off" })
    expect(Either.getOrThrow(configFrom({ AUDIT_LOG: "stdout" })).auditLog).toEqual({ _tag: "Stdout" })
    expect(
      Either.getOrThrow(configFrom({ AUDIT_LOG: "file:/var/log/mana/audit.log", AUDIT_LOG_MAX_FILES: "3" })).auditLog
    ).toEqual({ _tag: "File", path: "/var/log/mana/audit.log", maxBytes: 50 * 1024 * 1024, maxFiles: 3 })
  })

  it("rejects anything else with one line naming the variable", () => {
    for (const value of ["syslog", "file:", "FILE:/x"]) {
      const result = configFrom({ AUDIT_LOG: value })
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(describeConfigError(result.left)).toContain("AUDIT_LOG")
    }
  })
})
