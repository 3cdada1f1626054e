/**
 * The bounds that protect the process from one client or user (issue #28): how long a request
 * body may take to arrive, how many requests may be open per client address and in total, and
 * how much work one user may have admitted at once. They apply in every POLICY_MODE; the policy's
 * rate limit is a separate, per-user policy rule.
 */
import { Config, Duration, Option } from "effect"
import { duration, durationOrOff, positiveInt, setting } from "./settings.ts"

export interface AdmissionSettings {
  /** BODY_READ_TIMEOUT: a POST body not complete this long after its read began gets 408 and a closed connection. */
  readonly bodyReadTimeout: Duration.Duration
  /** MAX_CONNECTIONS: requests open at once (each holds a connection); beyond, 503 and the connection closed. */
  readonly maxConnections: number
  /** MAX_CONNECTIONS_PER_CLIENT: the same, per client address; beyond, 429 and the connection closed. */
  readonly maxConnectionsPerClient: number
  /** USER_CALLS_IN_FLIGHT: tool calls one user may have running; more wait in the user's queue. */
  readonly userCallsInFlight: number
  /** USER_CALL_QUEUE: calls one user may have waiting; beyond, a retryable refusal. */
  readonly userCallQueue: number
  /** USER_BODY_BYTES: body bytes one user may have being read and parsed at once; more wait. */
  readonly userBodyBytes: number
  /** USER_TURN_SLICE: how long one user's work may hold the event loop per turn before others' go first; none when off. */
  readonly userTurnSlice: Option.Option<Duration.Duration>
}

export const admissionSettings: Config.Config<AdmissionSettings> = Config.all({
  bodyReadTimeout: setting("BODY_READ_TIMEOUT", Duration.seconds(30), duration),
  maxConnections: setting("MAX_CONNECTIONS", 4096, positiveInt),
  maxConnectionsPerClient: setting("MAX_CONNECTIONS_PER_CLIENT", 256, positiveInt),
  userCallsInFlight: setting("USER_CALLS_IN_FLIGHT", 2, positiveInt),
  userCallQueue: setting("USER_CALL_QUEUE", 64, positiveInt),
  userBodyBytes: setting("USER_BODY_BYTES", 16 * 1024 * 1024, positiveInt),
  userTurnSlice: setting("USER_TURN_SLICE", Option.some(Duration.millis(1)), durationOrOff)
})
