/**
 * ManaConfig: every environment variable the gateway reads, parsed once at start-up. This file
 * and `compositeSettings.ts` (the settings read from several variables together) are the only ones
 * that name environment variables. A bad value fails with one line naming the variable,
 * the value and what is accepted. Resolving upstream URLs in local mode (where the dev stand-ins
 * pick their ports) is `Upstreams`' job, not this file's.
 */
import { Config, ConfigError, Context, Duration, Effect, Layer, Option, type Redacted } from "effect"
import type { AuditSink } from "../observability/audit/AuditSettings.ts"
import type { TracingSettings } from "../observability/tracing/TracingSettings.ts"
import { type AdmissionSettings, admissionSettings } from "./admission.ts"
import {
  auditLog,
  type IntrospectionConfig,
  oauthIntrospection,
  signingKey,
  stateStore,
  type StateStoreMode,
  tracing,
  type UpstreamMode,
  upstreams
} from "./compositeSettings.ts"
import {
  anyString,
  boolean,
  duration,
  durationOrOff,
  durationOrZero,
  httpUrl,
  issuerList,
  list,
  oneOf,
  optionalSetting,
  originList,
  port,
  positiveInt,
  processCount,
  setting
} from "./settings.ts"

export type { IntrospectionConfig, StateStoreMode, UpstreamMode } from "./compositeSettings.ts"

export const policyModes = ["off", "log-only", "enforce"] as const
export type PolicyMode = (typeof policyModes)[number]

export const storeErrorModes = ["open", "closed"] as const
export type StoreErrorMode = (typeof storeErrorModes)[number]

export interface ManaConfigShape {
  readonly port: number
  readonly host: string
  /** Public base URL of this gateway, for the RFC 9728 `resource` and `WWW-Authenticate`. */
  readonly publicUrl: Option.Option<URL>
  readonly upstreams: UpstreamMode
  readonly jwtAudience: string
  /** Leeway for `exp`/`nbf` when checking JWTs. */
  readonly jwtClockTolerance: Duration.Duration
  /** RFC 7662 introspection for opaque access tokens; None: only JWTs are accepted. */
  readonly oauthIntrospection: Option.Option<IntrospectionConfig>
  /** Allowed `iss` values; `None` means "the mana-auth URL". */
  readonly jwtIssuers: Option.Option<ReadonlyArray<string>>
  readonly corsOrigins: ReadonlyArray<string>
  /** Extra `Host` values accepted when bound to loopback (localhost names are always accepted). */
  readonly allowedHosts: ReadonlyArray<string>
  readonly policyMode: PolicyMode
  readonly policyAllowDestructive: ReadonlyArray<string>
  readonly policyRateLimit: number
  readonly policyRateWindow: Duration.Duration
  /** Bulk items per user per rate window across the bulk tools (POLICY_BULK_ITEM_BUDGET). */
  readonly policyBulkItemBudget: number
  readonly sessionIdleTimeout: Duration.Duration
  /**
   * SESSION_HIBERNATE_AFTER: a 2025 session unused this long (no request, stream or pending
   * request) drops its SDK objects and is rebuilt from its stored record on its next request;
   * `None` (off) keeps them until the session ends.
   */
  readonly sessionHibernateAfter: Option.Option<Duration.Duration>
  readonly maxSessionsPerUser: number
  readonly upstreamTimeout: Duration.Duration
  /**
   * READ_FRESHNESS: how long a read may reuse the folded state of a table without pulling (changes
   * made outside this gateway show within it; the gateway's own writes show at once). 0: pull on every read.
   */
  readonly readFreshness: Duration.Duration
  /** READ_CACHE_MAX_RECORDS: records the read cache keeps over all users (least recently read users dropped beyond). */
  readonly readCacheMaxRecords: number
  readonly shutdownGrace: Duration.Duration
  /** Body deadline, connection caps and per-user admission (`admission.ts`). */
  readonly admission: AdmissionSettings
  readonly stateStore: StateStoreMode
  /** What the rate limit does when its store fails: let calls through (`open`) or deny them. */
  readonly rateLimitOnStoreError: StoreErrorMode
  /** Registers the MCP conformance suite's fixture tool (conformance runs only). */
  readonly conformanceFixtures: boolean
  /** OTLP trace export, from the standard `OTEL_*` variables; off without an endpoint. */
  readonly tracing: TracingSettings
  /** AUDIT_LOG: where the one-line-per-tool-call audit trail goes. */
  readonly auditLog: AuditSink
  /**
   * HMAC key for the signed state of confirmation prompts (2026-07-28 `requestState`), shared by
   * every instance behind one load balancer; `None` means a random key per process.
   */
  readonly confirmationSigningKey: Option.Option<Redacted.Redacted<string>>
  /** GATEWAY_PROCESSES: gateway processes serving one port (`auto`: one per core); more than one needs Redis. */
  readonly gatewayProcesses: number
}

const settingsWithoutAudit = Config.all({
  port: setting("PORT", 3069, port),
  host: setting("HOST", "127.0.0.1", anyString),
  publicUrl: optionalSetting("PUBLIC_URL", httpUrl),
  upstreams,
  jwtAudience: setting("JWT_AUDIENCE", "mana", anyString),
  jwtClockTolerance: setting("JWT_CLOCK_TOLERANCE", Duration.seconds(30), duration),
  oauthIntrospection,
  jwtIssuers: optionalSetting("JWT_ISSUER", issuerList),
  corsOrigins: setting("CORS_ORIGINS", ["http://localhost:5173"], originList),
  allowedHosts: setting("ALLOWED_HOSTS", [], list),
  policyMode: setting("POLICY_MODE", "log-only", oneOf(policyModes)),
  policyAllowDestructive: setting("POLICY_ALLOW_DESTRUCTIVE", [], list),
  policyRateLimit: setting("POLICY_RATE_LIMIT", 30, positiveInt),
  policyRateWindow: setting("POLICY_RATE_WINDOW", Duration.seconds(60), duration),
  policyBulkItemBudget: setting("POLICY_BULK_ITEM_BUDGET", 500, positiveInt),
  sessionIdleTimeout: setting("SESSION_IDLE_TIMEOUT", Duration.minutes(30), duration),
  sessionHibernateAfter: setting("SESSION_HIBERNATE_AFTER", Option.some(Duration.seconds(30)), durationOrOff),
  maxSessionsPerUser: setting("MAX_SESSIONS_PER_USER", 16, positiveInt),
  upstreamTimeout: setting("UPSTREAM_TIMEOUT", Duration.seconds(10), duration),
  readFreshness: setting("READ_FRESHNESS", Duration.seconds(1), durationOrZero),
  readCacheMaxRecords: setting("READ_CACHE_MAX_RECORDS", 200_000, positiveInt),
  shutdownGrace: setting("SHUTDOWN_GRACE", Duration.seconds(8), duration),
  admission: admissionSettings,
  stateStore,
  rateLimitOnStoreError: setting("RATE_LIMIT_ON_STORE_ERROR", "open", oneOf(storeErrorModes)),
  conformanceFixtures: setting("MCP_CONFORMANCE_FIXTURES", false, boolean),
  tracing,
  confirmationSigningKey: signingKey("CONFIRMATION_SIGNING_KEY"),
  gatewayProcesses: setting("GATEWAY_PROCESSES", 1, processCount)
})

export const manaConfig: Config.Config<ManaConfigShape> = Config.all({
  settings: settingsWithoutAudit,
  audit: auditLog
}).pipe(
  Config.map(({ audit: { kind, maxBytes, maxFiles }, settings }): ManaConfigShape => {
    const chosen = Option.getOrElse(
      kind,
      () => ({ _tag: settings.upstreams._tag === "Remote" ? "Stdout" : "Off" }) as const
    )
    return { ...settings, auditLog: chosen._tag === "File" ? { ...chosen, maxBytes, maxFiles } : chosen }
  })
)

export class ManaConfig extends Context.Tag("mana-mcp/ManaConfig")<ManaConfig, ManaConfigShape>() {
  /** Reads the environment (through the current ConfigProvider). */
  static readonly layer = Layer.effect(ManaConfig, manaConfig)
  /** For tests: the defaults with some fields replaced. */
  static readonly layerWith = (overrides: Partial<ManaConfigShape>) =>
    Layer.effect(
      ManaConfig,
      Effect.map(Effect.orDie(manaConfig), (base) => ({ ...base, ...overrides }))
    )
}

/** One line for an operator: the first invalid setting, without Effect's nesting. */
export const describeConfigError = (error: ConfigError.ConfigError): string =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left: string, right: string) => `${left}; ${right}`,
    orCase: (_, left: string) => left,
    invalidDataCase: (_, path, message) => (path.length > 0 ? `${path.join(".")}: ${message}` : message),
    missingDataCase: (_, path, message) => `${path.join(".")}: ${message}`,
    sourceUnavailableCase: (_, path, message) => `${path.join(".")}: ${message}`,
    unsupportedCase: (_, path, message) => `${path.join(".")}: ${message}`
  })
