/**
 * Why the transport refuses or fails an HTTP request, as tagged errors: the checks every request
 * passes (origin, method, body, authentication, space, scope, JSON-RPC limits) and the failures of
 * the protocol legs. Each carries what its answer needs; `httpErrors.ts` is the one place that
 * turns them into status codes, bodies and headers.
 */
import { Data } from "effect"
import type { SessionForbidden, SessionNotFound } from "../../sessions/SessionRecord.ts"
import type { StateStoreUnavailable } from "../../state/StateStoreUnavailable.ts"
import type { RebuildFailed } from "../legacy/sessionRebuild.ts"

export class ForbiddenOrigin extends Data.TaggedError("ForbiddenOrigin")<{
  readonly origin: string
  readonly allowedOrigins: ReadonlyArray<string>
}> {}

export class ForbiddenHost extends Data.TaggedError("ForbiddenHost")<{ readonly host: string }> {}

export class ShuttingDown extends Data.TaggedError("ShuttingDown")<{}> {}

export class MethodNotAllowed extends Data.TaggedError("MethodNotAllowed")<{ readonly method: string }> {}

/** The web request could not be read at all (the router's conversion failed). */
export class RequestUnreadable extends Data.TaggedError("RequestUnreadable")<{}> {}

export class UnsupportedMediaType extends Data.TaggedError("UnsupportedMediaType")<{}> {}

export class PayloadTooLarge extends Data.TaggedError("PayloadTooLarge")<{ readonly limit: number }> {}

export class BodyUnreadable extends Data.TaggedError("BodyUnreadable")<{}> {}

/** The body is not JSON: a JSON-RPC parse error. */
export class JsonParseError extends Data.TaggedError("JsonParseError")<{}> {}

/** A JSON-RPC batch under a protocol version without batches. */
export class BatchUnsupported extends Data.TaggedError("BatchUnsupported")<{ readonly version: string }> {}

/** `tools/call` arguments over the property bound; a single request is answered under its own id. */
export class ArgumentsOversized extends Data.TaggedError("ArgumentsOversized")<{
  readonly limit: number
  readonly batch: boolean
  readonly id: string | number | null
  /** Found while the body streamed in: the rest was not read, so the connection is closed. */
  readonly unread?: boolean
}> {}

/** A top-level `__proto__` in `tools/call` arguments (the SDK would drop it silently). */
export class ReservedArgument extends Data.TaggedError("ReservedArgument")<{
  readonly batch: boolean
  readonly id: string | number | null
}> {}

/** The message nests deeper than the scan allows (found while the body streamed in). */
export class MessageTooDeep extends Data.TaggedError("MessageTooDeep")<{
  readonly limit: number
  readonly toolLimit: number
  readonly batch: boolean
  readonly id: string | number | null
}> {}

/** The body did not arrive within BODY_READ_TIMEOUT. */
export class BodyTimeout extends Data.TaggedError("BodyTimeout")<{ readonly deadline: string }> {}

/** The user already has this many bodies waiting to be read (USER_BODY_BYTES). */
export class UserBodiesBusy extends Data.TaggedError("UserBodiesBusy")<{ readonly waiting: number }> {}

/** Requests open at once from one client address, or in total, are at their cap. */
export class TooManyOpenRequests extends Data.TaggedError("TooManyOpenRequests")<{
  readonly scope: "client" | "total"
  readonly open: number
}> {}

/** 401 with the RFC 9728 / RFC 6750 `WWW-Authenticate` challenge already rendered. */
export class Unauthorized extends Data.TaggedError("Unauthorized")<{
  readonly message: string
  readonly reason?: string
  readonly challenge: string
}> {}

export class AuthServerUnavailable extends Data.TaggedError("AuthServerUnavailable")<{ readonly message: string }> {}

export class SpaceMismatch extends Data.TaggedError("SpaceMismatch")<{
  readonly granted: string
  readonly requested: string
}> {}

export interface ListedSpace {
  readonly id: string
  readonly name: string
}

export class MissingSpace extends Data.TaggedError("MissingSpace")<{ readonly spaces: ReadonlyArray<ListedSpace> }> {}

export class ForbiddenSpace extends Data.TaggedError("ForbiddenSpace")<{
  readonly spaceId: string
  readonly spaces: ReadonlyArray<ListedSpace>
}> {}

export class InsufficientScope extends Data.TaggedError("InsufficientScope")<{
  readonly scope: string
  readonly publicBase: string
}> {}

/** A 2025-era GET or DELETE without `Mcp-Session-Id`. */
export class MissingSession extends Data.TaggedError("MissingSession")<{ readonly method: string }> {}

/** The SDK transport of a session (`session`) or the per-request handler (`request`) threw. */
export class TransportFailed extends Data.TaggedError("TransportFailed")<{
  readonly leg: "session" | "request"
  readonly detail?: string
}> {}

export type HttpFailure =
  | ForbiddenOrigin
  | ForbiddenHost
  | ShuttingDown
  | MethodNotAllowed
  | RequestUnreadable
  | UnsupportedMediaType
  | PayloadTooLarge
  | BodyUnreadable
  | JsonParseError
  | BatchUnsupported
  | ArgumentsOversized
  | ReservedArgument
  | MessageTooDeep
  | BodyTimeout
  | UserBodiesBusy
  | TooManyOpenRequests
  | Unauthorized
  | AuthServerUnavailable
  | SpaceMismatch
  | MissingSpace
  | ForbiddenSpace
  | InsufficientScope
  | MissingSession
  | TransportFailed
  | SessionNotFound
  | SessionForbidden
  | StateStoreUnavailable
  | RebuildFailed
