/**
 * The settings of ManaConfig that are read from several environment variables at once and checked
 * together (upstream mode, state store, introspection, the audit sink and its rotation, OTLP
 * tracing) or that are secrets (the confirmation signing key). `Config.ts` assembles them.
 */
import { Config, ConfigError, Duration, Either, Option, Redacted } from "effect"
import type { TracingSettings } from "../observability/tracing/TracingSettings.ts"
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
  httpUrl,
  oneOf,
  optionalSetting,
  type Parse,
  port,
  positiveInt,
  redisUrl,
  setting
} from "./settings.ts"

const stateStoreKinds = ["memory", "redis"] as const

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

/** The OpenTelemetry SDK environment variables that concern traces (names and defaults per the spec). */
export const tracing: Config.Config<TracingSettings> = Config.all({
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
export const signingKey = (name: string): Config.Config<Option.Option<Redacted.Redacted<string>>> =>
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

export const upstreams: Config.Config<UpstreamMode> = Config.all({
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

export const oauthIntrospection: Config.Config<Option.Option<IntrospectionConfig>> = Config.all({
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
export const auditLog = Config.all({
  kind: optionalSetting("AUDIT_LOG", auditSinkKind),
  maxBytes: setting("AUDIT_LOG_MAX_BYTES", 50 * 1024 * 1024, positiveInt),
  maxFiles: setting("AUDIT_LOG_MAX_FILES", 5, positiveInt)
})

export const stateStore: Config.Config<StateStoreMode> = Config.all({
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
