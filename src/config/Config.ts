/**
 * ManaConfig: every environment variable the gateway reads, parsed once at start-up. The only
 * file that names environment variables. A bad value fails with one line naming the variable,
 * the value and what is accepted. Resolving upstream URLs in local mode (where the dev stand-ins
 * pick their ports) is `Upstreams`' job, not this file's.
 */
import { Config, ConfigError, Context, Duration, Effect, Either, Layer, Option, Redacted } from "effect"
import type { AuditSink } from "../observability/audit/AuditSettings.ts"
import type { TracingSettings } from "../observability/tracing/TracingSettings.ts"
import { type AdmissionSettings, admissionSettings } from "./admission.ts"
import {
  otlpEndpoint,
  otlpHeaders,
  otlpProtocols,
  samplerName,
  samplerRatio,
  tracesUrl,
  tracingSettings
} from "./otel.ts"
import {
  anyString,
  base64Key32,
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
  type Parse,
  port,
  positiveInt,
  redisUrl,
  setting
} from "./settings.ts"

export const policyModes = ["off", "log-only", "enforce"] as const
export type PolicyMode = (typeof policyModes)[number]

export const stateStoreKinds = ["memory", "redis"] as const
export const storeErrorModes = ["open", "closed"] as const
export type StoreErrorMode = (typeof storeErrorModes)[number]

/**
 * Where shared state (sessions, rate-limit window, resumable stream events) lives: this process
 * (one instance), or Redis (several instances). Both secrets stay `Redacted`: the URL may carry a
 * password, the key encrypts stream events.
 */
export type StateStoreMode =
  | { readonly _tag: "Memory" }
  | {
    readonly _tag: "Redis"
    readonly url: Redacted.Redacted<URL>
    readonly encryptionKey: Redacted.Redacted<Uint8Array>
  }

/** Where mana-auth and mana-sync live: real services, or the embedded dev stand-ins. */
export type UpstreamMode =
  | { readonly _tag: "Remote"; readonly authUrl: URL; readonly syncUrl: URL }
  | {
    readonly _tag: "Local"
    readonly authPort: number
    readonly syncPort: number
    readonly dataDir: string
    /** DEV_SYNC_LATENCY: fault injection, every dev mana-sync request waits this long. */
    readonly syncLatency: Duration.Duration
    /** DEV_OAUTH_ACCESS_TTL: lifetime of the dev authorization server's access tokens. */
    readonly oauthAccessTtl: Duration.Duration
  }

export interface IntrospectionConfig {
  readonly url: URL
  /** The gateway's own credentials at the introspection endpoint (HTTP Basic), if it requires them. */
  readonly clientId: string | undefined
  readonly clientSecret: Redacted.Redacted<string> | undefined
}

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
}

/** The OpenTelemetry SDK environment variables that concern traces (names and defaults per the spec). */
const tracing: Config.Config<TracingSettings> = Config.all({
  disabled: setting("OTEL_SDK_DISABLED", false, boolean),
  endpoint: optionalSetting("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint),
  tracesEndpoint: optionalSetting("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", otlpEndpoint),
  headers: setting("OTEL_EXPORTER_OTLP_HEADERS", Redacted.make({}), otlpHeaders),
  protocol: setting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", oneOf(otlpProtocols)),
  exportTimeoutMillis: setting("OTEL_EXPORTER_OTLP_TIMEOUT", 10_000, positiveInt),
  serviceName: setting("OTEL_SERVICE_NAME", "mana-mcp", anyString),
  samplerName: setting("OTEL_TRACES_SAMPLER", "parentbased_always_on", samplerName),
  samplerRatio: setting("OTEL_TRACES_SAMPLER_ARG", 1, samplerRatio),
  scheduleDelayMillis: setting("OTEL_BSP_SCHEDULE_DELAY", 5_000, positiveInt),
  maxQueueSize: setting("OTEL_BSP_MAX_QUEUE_SIZE", 2_048, positiveInt),
  maxBatchSize: setting("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, positiveInt)
}).pipe(
  Config.map(({ endpoint, tracesEndpoint, ...rest }) =>
    tracingSettings({
      ...rest,
      url: tracesUrl(Option.getOrUndefined(endpoint), Option.getOrUndefined(tracesEndpoint))
    })
  )
)

/** A secret: never echoed in the error (unlike `setting`), at least 32 bytes. */
const signingKey = (name: string): Config.Config<Option.Option<Redacted.Redacted<string>>> =>
  Config.option(Config.redacted(name)).pipe(
    Config.mapOrFail((raw) =>
      Option.match(Option.filter(raw, (value) => Redacted.value(value).trim() !== ""), {
        onNone: () => Either.right(Option.none()),
        onSome: (value) =>
          new TextEncoder().encode(Redacted.value(value)).length >= 32
            ? Either.right(Option.some(value))
            : Either.left(
              ConfigError.InvalidData(
                [],
                `${name} is too short; accepted: a random secret of at least 32 bytes, the same on every instance (e.g. openssl rand -base64 48)`
              )
            )
      })
    )
  )

const upstreams: Config.Config<UpstreamMode> = Config.all({
  authUrl: optionalSetting("MANA_AUTH_URL", httpUrl),
  syncUrl: optionalSetting("MANA_SYNC_URL", httpUrl),
  authPort: setting("DEV_AUTH_PORT", 3001, port),
  syncPort: setting("DEV_SYNC_PORT", 3050, port),
  dataDir: setting("MANA_DEV_DATA_DIR", ".mana-dev", anyString),
  syncLatency: setting("DEV_SYNC_LATENCY", Duration.zero, duration),
  oauthAccessTtl: setting("DEV_OAUTH_ACCESS_TTL", Duration.minutes(15), duration)
}).pipe(
  Config.mapOrFail(
    (
      { authPort, authUrl, dataDir, oauthAccessTtl, syncLatency, syncPort, syncUrl }
    ): Either.Either<UpstreamMode, ConfigError.ConfigError> => {
      if (Option.isSome(authUrl) && Option.isSome(syncUrl)) {
        return Either.right({ _tag: "Remote", authUrl: authUrl.value, syncUrl: syncUrl.value })
      }
      if (Option.isNone(authUrl) && Option.isNone(syncUrl)) {
        return Either.right({ _tag: "Local", authPort, syncPort, dataDir, syncLatency, oauthAccessTtl })
      }
      const [set, unset] = Option.isSome(authUrl)
        ? ["MANA_AUTH_URL", "MANA_SYNC_URL"]
        : ["MANA_SYNC_URL", "MANA_AUTH_URL"]
      return Either.left(ConfigError.InvalidData(
        [],
        `${set} is set but ${unset} is not; accepted: both set (production) or neither (local mode with dev stand-ins)`
      ))
    }
  )
)

const oauthIntrospection: Config.Config<Option.Option<IntrospectionConfig>> = Config.all({
  url: optionalSetting("OAUTH_INTROSPECTION_URL", httpUrl),
  clientId: optionalSetting("OAUTH_INTROSPECTION_CLIENT_ID", anyString),
  clientSecret: Config.option(Config.redacted("OAUTH_INTROSPECTION_CLIENT_SECRET"))
}).pipe(Config.map(({ clientId, clientSecret, url }) =>
  Option.map(url, (value) => ({
    url: value,
    clientId: Option.getOrUndefined(clientId),
    clientSecret: Option.getOrUndefined(clientSecret)
  }))
))

/** `stdout`, `off` or `file:<path>`; unset means stdout in production mode and off in local mode. */
const auditSinkKind: Parse<{ readonly _tag: "Stdout" | "Off" } | { readonly _tag: "File"; readonly path: string }> = (
  raw
) => {
  if (raw === "stdout") return Either.right({ _tag: "Stdout" })
  if (raw === "off") return Either.right({ _tag: "Off" })
  const path = raw.startsWith("file:") ? raw.slice("file:".length).trim() : ""
  return path === "" ? Either.left("stdout, off or file:<path>") : Either.right({ _tag: "File", path })
}

/** AUDIT_LOG with its rotation settings; `None` when AUDIT_LOG is unset (the default depends on the mode). */
const auditLog = Config.all({
  kind: optionalSetting("AUDIT_LOG", auditSinkKind),
  maxBytes: setting("AUDIT_LOG_MAX_BYTES", 50 * 1024 * 1024, positiveInt),
  maxFiles: setting("AUDIT_LOG_MAX_FILES", 5, positiveInt)
})

const stateStore: Config.Config<StateStoreMode> = Config.all({
  kind: setting("STATE_STORE", "memory", oneOf(stateStoreKinds)),
  url: optionalSetting("REDIS_URL", redisUrl),
  key: optionalSetting("STATE_ENCRYPTION_KEY", base64Key32)
}).pipe(
  Config.mapOrFail(({ key, kind, url }): Either.Either<StateStoreMode, ConfigError.ConfigError> => {
    if (kind === "memory") return Either.right({ _tag: "Memory" })
    if (Option.isNone(url)) {
      return Either.left(ConfigError.InvalidData([], "STATE_STORE=redis needs REDIS_URL, e.g. redis://127.0.0.1:6379"))
    }
    if (Option.isNone(key)) {
      return Either.left(ConfigError.InvalidData(
        [],
        "STATE_STORE=redis needs STATE_ENCRYPTION_KEY (32 random bytes, base64: `openssl rand -base64 32`)"
      ))
    }
    return Either.right({ _tag: "Redis", url: Redacted.make(url.value), encryptionKey: Redacted.make(key.value) })
  })
)

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
  sessionIdleTimeout: setting("SESSION_IDLE_TIMEOUT", Duration.minutes(30), duration),
  sessionHibernateAfter: setting("SESSION_HIBERNATE_AFTER", Option.some(Duration.seconds(30)), durationOrOff),
  maxSessionsPerUser: setting("MAX_SESSIONS_PER_USER", 16, positiveInt),
  upstreamTimeout: setting("UPSTREAM_TIMEOUT", Duration.seconds(10), duration),
  readFreshness: setting("READ_FRESHNESS", Duration.seconds(1), durationOrZero),
  shutdownGrace: setting("SHUTDOWN_GRACE", Duration.seconds(8), duration),
  admission: admissionSettings,
  stateStore,
  rateLimitOnStoreError: setting("RATE_LIMIT_ON_STORE_ERROR", "open", oneOf(storeErrorModes)),
  conformanceFixtures: setting("MCP_CONFORMANCE_FIXTURES", false, boolean),
  tracing,
  confirmationSigningKey: signingKey("CONFIRMATION_SIGNING_KEY")
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
