/**
 * PolicySettings: the per-user knobs of the policy gate (which destructive tools a user may
 * call, and the rate limit with its window). The first implementation gives every user the
 * gateway-wide values from ManaConfig (POLICY_ALLOW_DESTRUCTIVE, POLICY_RATE_LIMIT,
 * POLICY_RATE_WINDOW); it is a service so a profile-backed source can replace it without the
 * gate changing. It does not evaluate anything.
 */
import { Context, type Duration, Effect, Layer } from "effect"
import { ManaConfig } from "../config/Config.ts"

export interface UserPolicySettings {
  /** Destructive tools (by name) this user may call. */
  readonly allowDestructive: ReadonlySet<string>
  /** Calls allowed per tool within `rateWindow`. */
  readonly rateLimit: number
  readonly rateWindow: Duration.Duration
  /** Bulk items allowed per `rateWindow` across bulk tools; default 500. */
  readonly bulkItemBudget?: number
}

export interface PolicySettingsShape {
  /** The settings that apply to `userId`. Never fails: a source that cannot answer falls back to defaults. */
  readonly forUser: (userId: string) => Effect.Effect<UserPolicySettings>
}

export class PolicySettings extends Context.Tag("mana-mcp/PolicySettings")<PolicySettings, PolicySettingsShape>() {
  /** The same gateway-wide settings, from ManaConfig, for every user. */
  static readonly layer = Layer.effect(
    PolicySettings,
    Effect.map(ManaConfig, (config): PolicySettingsShape => {
      const settings: UserPolicySettings = {
        allowDestructive: new Set(config.policyAllowDestructive),
        rateLimit: config.policyRateLimit,
        rateWindow: config.policyRateWindow,
        bulkItemBudget: config.policyBulkItemBudget
      }
      return { forUser: () => Effect.succeed(settings) }
    })
  )

  /** Fixed settings for every user, for tests and embedding. */
  static readonly layerWith = (settings: UserPolicySettings) =>
    Layer.succeed(PolicySettings, { forUser: () => Effect.succeed(settings) })
}
