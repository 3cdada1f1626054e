/**
 * `/mcp` for both protocol eras on one URL. Shared checks first — Origin/Host, body bound, auth,
 * space, the scopes of a delegated token (HTTP 403 `insufficient_scope`) — then the era (`requestEra.ts`, the SDK's `isLegacyRequest` decision) routes 2025-era traffic to the sessionful leg and everything
 * else to the SDK's per-request `createMcpHandler(…, { legacy: "reject" })`. Both legs build their
 * SDK servers from one factory over the registry computed at start-up, and every tool call runs
 * the same invoke pipeline (policy gate included) as a fiber of `ToolCalls`. Also owns graceful
 * draining: refuse new requests, wait for (then cut) running calls, close the sessions.
 */
import { createMcpHandler } from "@modelcontextprotocol/server"
import { Context, Effect, Layer, Option, Ref, Tracer } from "effect"
import { Auth } from "../auth/Auth.ts"
import { SpaceDirectory } from "../auth/SpaceDirectory.ts"
import { ManaConfig } from "../config/Config.ts"
import { type Caller, CallerEnvelope } from "../domain/Caller.ts"
import type { AuditLog } from "../observability/audit/AuditLog.ts"
import { Metrics } from "../observability/Metrics.ts"
import type { ConfirmationSigner } from "../policy/ConfirmationSigner.ts"
import type { Policy } from "../policy/Policy.ts"
import { type InvokeOutcome, makeInvoke } from "../tools/invoke.ts"
import type { Registry } from "../tools/registry.ts"
import { busyBodyResponse, busyCallOutcome } from "./admission/busyAnswers.ts"
import { makeOpenRequests } from "./admission/openRequests.ts"
import { makeUserAdmission } from "./admission/UserAdmission.ts"
import { authInfoOf, insufficientScopeChallenge, makeAuthenticate, publicBaseOf } from "./authenticate.ts"
import { errorResponse } from "./httpResponses.ts"
import { makeLegacySessions } from "./LegacySessions.ts"
import { makeServerFactory, type RunInvoke } from "./mcpServer.ts"
import { corsHeaders, makeOriginPolicy, preflightResponse, rejectForeignOrigin, withHeaders } from "./originGuard.ts"
import { answersPlainly } from "./plainAnswers.ts"
import { maxRequestBodySize, methodLabel, readJsonBody } from "./requestBody.ts"
import { isLegacyParsed } from "./requestEra.ts"
import { refuseBatch, refuseOversized } from "./requestLimits.ts"
import { missingScope } from "./scopeCheck.ts"
import { makeToolCalls } from "./ToolCalls.ts"

/** The HTTP server span, if tracing opened one; without the failure (and its stack trace) `currentSpan` has when none. */
const currentRequestSpan = Effect.map(Effect.context<never>(), (context) => {
  const span = Context.getOption(context, Tracer.ParentSpan)
  return Option.isSome(span) && span.value._tag === "Span" ? span.value : undefined
})

export interface McpEndpointShape {
  /** `address`: the client's TCP peer address, for the per-client connection cap. */
  readonly handle: (request: Request, address?: string) => Effect.Effect<Response>
  /** Stops accepting requests, waits (bounded) for running tool calls, then closes all sessions. */
  readonly drain: Effect.Effect<void>
  /** True once draining started: `/health` then answers 503 so load balancers stop routing here. */
  readonly isDraining: Effect.Effect<boolean>
}

export class McpEndpoint extends Context.Tag("mana-mcp/McpEndpoint")<McpEndpoint, McpEndpointShape>() {}

export const makeMcpEndpoint = <R>(registry: Registry<R>) =>
  Layer.scoped(
    McpEndpoint,
    Effect.gen(function*() {
      const config = yield* ManaConfig
      const metrics = yield* Metrics
      const authenticate = makeAuthenticate(yield* Auth, yield* SpaceDirectory)
      const invoke = makeInvoke(registry)
      const hintOf = (tool: string) => registry.exposed.get(tool)?.policyHint
      // Every tool call is a fiber of this set, so draining can wait for them and cut them.
      const calls = yield* makeToolCalls<
        InvokeOutcome,
        Exclude<R, Caller> | Policy | Metrics | AuditLog | ConfirmationSigner
      >()
      const draining = yield* Ref.make(false)
      const limits = config.admission
      const admission = makeUserAdmission(limits, maxRequestBodySize, metrics.admission)
      const openRequests = makeOpenRequests(
        limits,
        () => metrics.admission("connection", "refused"),
        metrics.setOpenRequests
      )
      const runInvoke: RunInvoke = (name, args, caller, round) =>
        calls.run(
          admission.call(caller.principal.userId, invoke(name, args, caller, round), () => busyCallOutcome(limits))
        )
      const makeServer = makeServerFactory(registry.descriptors, runInvoke, {
        conformanceFixtures: config.conformanceFixtures
      })
      const modern = createMcpHandler(() => makeServer(), { legacy: "reject", maxRequestBodySize })
      yield* Effect.addFinalizer(() => Effect.promise(() => modern.close().catch(() => undefined)))
      const sessions = yield* makeLegacySessions(makeServer, maxRequestBodySize)
      const origins = makeOriginPolicy({
        corsOrigins: config.corsOrigins,
        bindHost: config.host,
        extraHosts: config.allowedHosts,
        publicUrl: Option.getOrUndefined(config.publicUrl)
      })

      const serve = (request: Request) =>
        Effect.gen(function*() {
          if (yield* Ref.get(draining)) {
            return errorResponse(
              503,
              "shutting_down",
              "The gateway is shutting down; retry against another instance or in a moment",
              {},
              { "retry-after": "2" }
            )
          }
          const method = request.method
          if (method !== "POST" && method !== "GET" && method !== "DELETE") {
            return errorResponse(
              405,
              "method_not_allowed",
              `${method} is not supported on /mcp; use POST, GET or DELETE`,
              {},
              { allow: "GET, POST, DELETE, OPTIONS" }
            )
          }
          // Headers first: an unauthenticated request never costs a body read.
          const publicBase = publicBaseOf(config.publicUrl, request.url)
          const authenticated = yield* authenticate(request, publicBase)
          const parsedBody = method === "POST"
            ? yield* admission.body(
              authenticated.principal.userId,
              Number(request.headers.get("content-length") ?? "0"),
              readJsonBody(request, limits.bodyReadTimeout).pipe(
                Effect.tapError((answer) =>
                  answer.status === 408 ? Effect.sync(() => metrics.admission("body", "timed-out")) : Effect.void
                )
              ),
              () => busyBodyResponse(limits)
            )
            : undefined
          const refused = refuseBatch(request, parsedBody) ?? refuseOversized(parsedBody)
          if (refused !== undefined) return refused
          const lacking = missingScope(parsedBody, authenticated.principal.scopes, hintOf)
          if (lacking !== undefined) {
            const message =
              `This token was not granted the ${lacking} scope this tool call needs; the user has to allow it (sign in again granting ${lacking})`
            return errorResponse(403, "insufficient_scope", message, { requiredScope: lacking }, {
              "www-authenticate": insufficientScopeChallenge(publicBase, lacking, message)
            })
          }
          const legacy = isLegacyParsed(request, parsedBody)
          const mcpMethod = methodLabel(method, parsedBody)
          yield* metrics.request(legacy ? "legacy" : "modern", mcpMethod)
          yield* Effect.annotateCurrentSpan("mcp.method.name", mcpMethod)
          // The SDK calls tools outside this fiber: the request's span rides along to parent them.
          const requestSpan = yield* currentRequestSpan
          const caller = { ...authenticated, era: legacy ? "legacy" : "modern", requestSpan } as const
          const authInfo = authInfoOf(caller, new CallerEnvelope(caller))
          if (legacy) {
            const plain = method === "POST" && answersPlainly(parsedBody, hintOf)
            return yield* sessions.handle({ request, userId: caller.principal.userId, parsedBody, authInfo, plain })
          }
          return yield* Effect.tryPromise({
            try: () => modern.fetch(request, { parsedBody, authInfo }),
            catch: () => errorResponse(500, "transport_error", "The MCP handler failed to answer this request; retry")
          })
        }).pipe(Effect.merge)

      const handle = (request: Request, address = "unknown"): Effect.Effect<Response> => {
        const rejected = rejectForeignOrigin(origins, request)
        if (rejected !== undefined) return Effect.succeed(rejected)
        if (request.method === "OPTIONS") return Effect.succeed(preflightResponse(origins, request))
        const overCap = openRequests.open(address)
        if (overCap !== undefined) return Effect.succeed(overCap)
        return Effect.map(serve(request), (response) =>
          withHeaders(response, {
            ...corsHeaders(origins, request),
            // Answered without reading the body (refused before it): close rather than wait for the rest.
            ...(request.body !== null && !request.bodyUsed ? { connection: "close" } : {})
          })).pipe(
            Effect.ensuring(Effect.sync(() => openRequests.close(address)))
          )
      }

      const drain = Effect.gen(function*() {
        yield* Ref.set(draining, true)
        yield* Effect.logInfo("draining: waiting for running tool calls", { running: yield* calls.running })
        const cut = yield* calls.drain(config.shutdownGrace)
        if (cut > 0) yield* Effect.logWarning("draining: cut tool calls still running at SHUTDOWN_GRACE", { cut })
        // Let the SDK flush the last results (and cut calls' errors) onto their streams before the sessions close.
        yield* Effect.sleep("100 millis")
        yield* sessions.closeAll
      })
      return { handle, drain, isDraining: Ref.get(draining) }
    })
  )
