/**
 * The one place where transport failures (`HttpFailure.ts`) become HTTP answers: status, the JSON
 * body (`{ error, message, … }`, or a JSON-RPC error where the MCP transports would answer one)
 * and headers (`WWW-Authenticate`, `Retry-After`, `Allow`) — as `tools/kit/invoke.ts` is for tool
 * results. Messages name what is accepted; none carries a secret or a cause from upstream.
 */
import { Match } from "effect"
import { insufficientScopeChallenge } from "./authenticate.ts"
import type { HttpFailure, ListedSpace } from "./HttpFailure.ts"
import { errorResponse, jsonResponse } from "./httpResponses.ts"

const described = (listed: ReadonlyArray<ListedSpace>) =>
  listed.map((space) => `${space.id} (${space.name})`).join(", ")

const jsonRpcError = (
  status: number,
  id: string | number | null,
  code: number,
  message: string,
  headers: Record<string, string> = {}
) => jsonResponse(status, { jsonrpc: "2.0", id, error: { code, message } }, headers)

/** Answered before the body was read to its end: close rather than wait for the rest. */
const closing = { connection: "close" }
const closingRetry = { connection: "close", "retry-after": "1" }

const scopeMessage = (scope: string) =>
  `This token was not granted the ${scope} scope this tool call needs; the user has to allow it (sign in again granting ${scope})`

export const failureResponse: (failure: HttpFailure) => Response = Match.type<HttpFailure>().pipe(
  Match.tagsExhaustive({
    ForbiddenOrigin: (failure) =>
      errorResponse(
        403,
        "forbidden_origin",
        `Origin ${JSON.stringify(failure.origin)} is not allowed; allowed origins are set with CORS_ORIGINS`,
        { allowedOrigins: [...failure.allowedOrigins] }
      ),
    ForbiddenHost: (failure) =>
      errorResponse(
        403,
        "forbidden_host",
        `Host ${
          JSON.stringify(failure.host)
        } is not allowed for a gateway bound to loopback; add it to ALLOWED_HOSTS if it is yours`
      ),
    ShuttingDown: () =>
      errorResponse(
        503,
        "shutting_down",
        "The gateway is shutting down; retry against another instance or in a moment",
        {},
        { "retry-after": "2" }
      ),
    MethodNotAllowed: (failure) =>
      errorResponse(
        405,
        "method_not_allowed",
        `${failure.method} is not supported on /mcp; use POST, GET or DELETE`,
        {},
        { allow: "GET, POST, DELETE, OPTIONS" }
      ),
    RequestUnreadable: () => errorResponse(400, "bad_request", "The request could not be read"),
    UnsupportedMediaType: () =>
      errorResponse(415, "unsupported_media_type", "POST /mcp needs Content-Type: application/json"),
    PayloadTooLarge: (failure) =>
      errorResponse(413, "payload_too_large", `Request bodies are limited to ${failure.limit} bytes`, {}, closing),
    BodyUnreadable: () => errorResponse(400, "bad_request", "The request body could not be read", {}, closing),
    BodyTimeout: (failure) =>
      errorResponse(
        408,
        "request_timeout",
        `The request body did not arrive within ${failure.deadline} (BODY_READ_TIMEOUT); send the whole body at once`,
        {},
        closing
      ),
    UserBodiesBusy: (failure) =>
      errorResponse(
        429,
        "too_many_requests",
        `Too many of your requests are being read at once (more than ${failure.waiting} waiting for USER_BODY_BYTES); nothing was done, retry in a moment`,
        {},
        closingRetry
      ),
    TooManyOpenRequests: (failure) =>
      failure.scope === "client"
        ? errorResponse(
          429,
          "too_many_connections",
          `This client address has ${failure.open} requests open, the most the gateway serves at once per address (MAX_CONNECTIONS_PER_CLIENT); finish or close some, then retry`,
          {},
          closingRetry
        )
        : errorResponse(
          503,
          "server_busy",
          `The gateway has ${failure.open} requests open, the most it serves at once (MAX_CONNECTIONS); retry in a moment`,
          {},
          closingRetry
        ),
    MessageTooDeep: (failure) =>
      jsonRpcError(
        failure.batch ? 400 : 200,
        failure.batch ? null : failure.id,
        -32602,
        `Invalid params: the message is nested more than ${failure.limit} levels deep. Tool arguments take values nested at most ${failure.toolLimit} levels.`,
        closing
      ),
    JsonParseError: () => jsonRpcError(400, null, -32700, "Parse error: the body is not valid JSON"),
    BatchUnsupported: (failure) =>
      jsonRpcError(
        400,
        null,
        -32600,
        `Invalid Request: JSON-RPC batches are not part of MCP protocol version ${
          failure.version.slice(0, 40)
        } (removed in 2025-06-18). Send one message per request.`
      ),
    ArgumentsOversized: (failure) =>
      jsonRpcError(
        failure.batch ? 400 : 200,
        failure.batch ? null : failure.id,
        -32602,
        `Invalid params: the tool arguments have more than ${failure.limit} properties. No tool takes that many; call tools/list for each tool's properties.`,
        failure.unread === true ? closing : {}
      ),
    ReservedArgument: (failure) =>
      jsonRpcError(
        failure.batch ? 400 : 200,
        failure.batch ? null : failure.id,
        -32602,
        "Invalid params: __proto__: is a refused property name (__proto__ is reserved); accepted: property names other than __proto__, constructor and prototype. Send the tool's own properties only (tools/list lists them)."
      ),
    Unauthorized: (failure) =>
      errorResponse(
        401,
        "unauthorized",
        failure.message,
        failure.reason === undefined ? {} : { reason: failure.reason },
        {
          "www-authenticate": failure.challenge
        }
      ),
    AuthServerUnavailable: (failure) =>
      errorResponse(503, "auth_unavailable", failure.message, {}, { "retry-after": "5" }),
    SpaceMismatch: ({ granted, requested }) =>
      errorResponse(
        403,
        "space_mismatch",
        `X-Mana-Space names space ${JSON.stringify(requested)}, but this token was granted for space ${
          JSON.stringify(granted)
        } only; drop the header, or sign in again and choose that space`,
        { grantedSpace: granted, requestedSpace: requested }
      ),
    MissingSpace: ({ spaces }) =>
      errorResponse(
        400,
        "missing_space",
        `The X-Mana-Space header is required: set it to one of your space ids: ${described(spaces)}`,
        { spaces }
      ),
    ForbiddenSpace: ({ spaceId, spaces }) =>
      errorResponse(
        403,
        "forbidden_space",
        `You are not a member of space ${JSON.stringify(spaceId)}. Your spaces: ${described(spaces)}`,
        { spaces }
      ),
    InsufficientScope: ({ publicBase, scope }) =>
      errorResponse(403, "insufficient_scope", scopeMessage(scope), { requiredScope: scope }, {
        "www-authenticate": insufficientScopeChallenge(publicBase, scope, scopeMessage(scope))
      }),
    MissingSession: (failure) =>
      errorResponse(
        400,
        "missing_session",
        `${failure.method} /mcp needs an Mcp-Session-Id header; open a session by POSTing an initialize request`
      ),
    TransportFailed: (failure) =>
      failure.leg === "request"
        ? errorResponse(500, "transport_error", "The MCP handler failed to answer this request; retry")
        : errorResponse(
          500,
          "transport_error",
          "The MCP transport failed to handle this request; retry, or re-initialize the session",
          { detail: failure.detail ?? "unknown" }
        ),
    SessionNotFound: (failure) => errorResponse(404, "session_not_found", failure.message),
    SessionForbidden: (failure) => errorResponse(403, "forbidden_session", failure.message),
    StateStoreUnavailable: (failure) =>
      errorResponse(503, "state_store_unavailable", failure.message, { store: failure.store }, { "retry-after": "2" }),
    RebuildFailed: () =>
      errorResponse(
        503,
        "session_unavailable",
        "This gateway instance could not restore the session; retry in a moment, or start a new session with an initialize request",
        {},
        { "retry-after": "1" }
      )
  })
)
