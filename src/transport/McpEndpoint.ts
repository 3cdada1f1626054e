/**
 * `/mcp` for both protocol eras on one URL. Shared checks first — Origin/Host, body bound, auth,
 * space, the scopes of a delegated token (HTTP 403 `insufficient_scope`) — then the era (`requestEra.ts`, the SDK's `isLegacyRequest` decision) routes 2025-era traffic to the sessionful leg and everything
 * else to the SDK's per-request `createMcpHandler(…, { legacy: "reject" })`. Both legs build their
 * SDK servers from one factory over the registry computed at start-up, and every tool call runs
 * the same invoke pipeline (policy gate included) as a fiber of `ToolCalls`. Also owns graceful
 * draining: refuse new requests, wait for (then cut) running calls, close the sessions.
 */
import { createMcpHandler } from "@modelcontextprotocol/server"
import { Context, Effect, Exit, FiberRef, Layer, Option, Ref, Tracer } from "effect"
import { Auth } from "../auth/Auth.ts"
import { scopeForHint } from "../auth/scopes.ts"
import { SpaceDirectory } from "../auth/SpaceDirectory.ts"
import { ManaConfig } from "../config/Config.ts"
import { type Caller, CallerEnvelope, type CallerShape } from "../domain/Caller.ts"
import type { AuditLog } from "../observability/audit/AuditLog.ts"
import { Metrics } from "../observability/Metrics.ts"
import { type ConfirmationRound, noConfirmationRound } from "../policy/Confirmation.ts"
import type { ConfirmationSigner } from "../policy/ConfirmationSigner.ts"
import type { Policy } from "../policy/Policy.ts"
import { allPrompts } from "../prompts/allPrompts.ts"
import { makePromptSurface } from "../prompts/promptSurface.ts"
import { isResourceListen, makeListenStreams } from "../resources/ListenStreams.ts"
import type { RunReadTool } from "../resources/readResource.ts"
import { makeResourceAccess } from "../resources/ResourceAccess.ts"
import { type InvokeOutcome, makeInvoke } from "../tools/kit/invoke.ts"
import type { Registry } from "../tools/kit/registry.ts"
import { errorResult } from "../tools/kit/toolResult.ts"
import { makeDirectAnswers } from "./direct/directAnswers.ts"
import { busyBodyFailure, busyCallOutcome } from "./http/admission/busyAnswers.ts"
import { makeOpenRequests } from "./http/admission/openRequests.ts"
import { makeUserAdmission } from "./http/admission/UserAdmission.ts"
import { makeUserTurns } from "./http/admission/UserTurns.ts"
import { authInfoOf, makeAuthenticate } from "./http/authenticate.ts"
import { failureResponse } from "./http/httpErrors.ts"
import { InsufficientScope, MethodNotAllowed, ShuttingDown, TransportFailed } from "./http/HttpFailure.ts"
import {
  corsHeaders,
  makeOriginPolicy,
  preflightResponse,
  rejectForeignOrigin,
  withHeaders
} from "./http/originGuard.ts"
import { declaredLength, maxRequestBodySize, methodLabel, readJsonBody } from "./http/requestBody.ts"
import { isLegacyRoute, routeOf } from "./http/requestEra.ts"
import { refuseBatch, refuseOversized } from "./http/requestLimits.ts"
import { refuseReservedArguments } from "./http/reservedArguments.ts"
import { publicBaseFor, resourceIdentityOf } from "./http/resourceUrl.ts"
import { missingScope } from "./http/scopeCheck.ts"
import { makeLegacySessions } from "./legacy/LegacySessions.ts"
import { answersPlainly } from "./legacy/plainAnswers.ts"
import { type ContextTool, makeServerFactory, type RunInvoke } from "./mcpServer.ts"
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

export const makeMcpEndpoint = <R>(registry: Registry<R>, contextTools: ReadonlyArray<ContextTool> = []) =>
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
      const turns = makeUserTurns(yield* Effect.clock, limits.userTurnSlice)
      const admission = makeUserAdmission(limits, maxRequestBodySize, metrics.admission, turns)
      const openRequests = makeOpenRequests(
        limits,
        () => metrics.admission("connection", "refused"),
        metrics.setOpenRequests
      )
      const admitted = (name: string, args: unknown, caller: CallerShape, round: ConfirmationRound) =>
        admission.call(caller.principal.userId, invoke(name, args, caller, round), () => busyCallOutcome(limits))
      const runInvoke: RunInvoke = (name, args, caller, round) => calls.run(admitted(name, args, caller, round))
      // A read started from inside the Effect runtime (resources, direct answers): awaited as a fiber of the set.
      const readExit = (name: string, args: unknown, caller: CallerShape) =>
        calls.runExit(admitted(name, args, caller, noConfirmationRound))
      // Resources are read through the same pipeline as the read tools (src/resources/).
      const runRead: RunReadTool = (name, args, caller) =>
        Effect.map(readExit(name, args, caller), (exit): InvokeOutcome =>
          Exit.isSuccess(exit) ? exit.value : {
            _tag: "Result",
            result: errorResult("The gateway is shutting down; read again in a moment")
          })
      const resources = yield* makeResourceAccess(runRead)
      // Prompts read through the same invoke pipeline (gate, audit, metrics) as tool calls.
      const prompts = yield* makePromptSurface(
        allPrompts,
        (name, args, caller) => invoke(name, args, caller, noConfirmationRound),
        { conformanceFixtures: config.conformanceFixtures }
      )
      const { makeServer, toolsFor } = makeServerFactory(registry.descriptors, runInvoke, resources, contextTools, {
        scopeOf: (tool) => {
          const hint = hintOf(tool)
          return hint === undefined ? undefined : scopeForHint(hint)
        },
        prompts
      })
      // Plain calls and lists skip the SDK `Server` (transport/direct/).
      const direct = makeDirectAnswers({
        hintOf,
        contextTools: new Set(contextTools.map((tool) => tool.descriptor.name)),
        run: readExit,
        toolsFor,
        count: metrics.directAnswer
      })
      const listen = yield* makeListenStreams(makeServer, runRead, maxRequestBodySize)
      const modern = createMcpHandler(() => makeServer(), { legacy: "reject", maxRequestBodySize })
      yield* Effect.addFinalizer(() => Effect.promise(() => modern.close().catch(() => undefined)))
      const sessions = yield* makeLegacySessions(makeServer, maxRequestBodySize)
      // Fixed here, from configuration and the bound port: a request's Host only picks among these.
      const identity = resourceIdentityOf(config)
      const origins = makeOriginPolicy({
        corsOrigins: config.corsOrigins,
        bindHost: config.host,
        extraHosts: config.allowedHosts,
        publicUrl: Option.getOrUndefined(config.publicUrl)
      })

      const serve = (request: Request) =>
        Effect.gen(function*() {
          if (yield* Ref.get(draining)) return yield* Effect.fail(new ShuttingDown())
          const method = request.method
          if (method !== "POST" && method !== "GET" && method !== "DELETE") {
            return yield* Effect.fail(new MethodNotAllowed({ method }))
          }
          // Headers first: an unauthenticated request never costs a body read.
          const publicBase = publicBaseFor(identity, request.url)
          const authenticated = yield* authenticate(request, publicBase)
          // The rest of this request runs in its user's turns of the event loop (UserTurns.ts).
          yield* FiberRef.set(FiberRef.currentScheduler, turns.of(authenticated.principal.userId))
          yield* Effect.yieldNow()
          const parsedBody = method === "POST"
            ? yield* admission.body(
              authenticated.principal.userId,
              declaredLength(request),
              readJsonBody(request, limits.bodyReadTimeout).pipe(
                Effect.tapError((failure) =>
                  failure._tag === "BodyTimeout"
                    ? Effect.sync(() => metrics.admission("body", "timed-out"))
                    : Effect.void
                )
              ),
              () => busyBodyFailure(limits)
            )
            : undefined
          const refused = refuseBatch(request, parsedBody) ?? refuseOversized(parsedBody) ??
            refuseReservedArguments(parsedBody)
          if (refused !== undefined) return yield* Effect.fail(refused)
          const lacking = missingScope(parsedBody, authenticated.principal.scopes, hintOf)
          if (lacking !== undefined) return yield* Effect.fail(new InsufficientScope({ scope: lacking, publicBase }))
          const route = routeOf(request, parsedBody)
          const legacy = isLegacyRoute(route)
          const mcpMethod = methodLabel(method, parsedBody)
          yield* metrics.request(legacy ? "legacy" : "modern", mcpMethod)
          // The SDK calls tools outside this fiber: the request's span rides along to parent them.
          // Annotated directly: `annotateCurrentSpan` builds a NoSuchElementException when there is none.
          const requestSpan = yield* currentRequestSpan
          requestSpan?.attribute("mcp.method.name", mcpMethod)
          const caller = { ...authenticated, era: legacy ? "legacy" : "modern", requestSpan } as const
          const answered = !legacy && method === "POST" ? direct.modern(request, route, parsedBody, caller) : undefined
          if (answered !== undefined) return yield* answered
          const authInfo = authInfoOf(caller, new CallerEnvelope(caller))
          if (legacy) {
            const sessionId = request.headers.get("mcp-session-id")
            if (sessionId !== null) resources.touch(sessionId, caller)
            const plain = method === "POST" && answersPlainly(parsedBody, hintOf)
            const directly = plain ? direct.legacy(parsedBody, caller) : undefined
            return yield* sessions.handle({
              request,
              userId: caller.principal.userId,
              parsedBody,
              authInfo,
              plain,
              ...(directly === undefined ? {} : { direct: directly })
            })
          }
          if (method === "POST" && isResourceListen(parsedBody)) {
            return yield* listen.serve(request, parsedBody, authInfo, caller)
          }
          return yield* Effect.tryPromise({
            try: () => modern.fetch(request, { parsedBody, authInfo }),
            catch: () => new TransportFailed({ leg: "request" })
          })
        })

      // Every refusal and failure of a request becomes its HTTP answer here, and only here.
      const handle = (request: Request, address = "unknown"): Effect.Effect<Response> => {
        const rejected = rejectForeignOrigin(origins, request)
        if (rejected !== undefined) return Effect.succeed(failureResponse(rejected))
        if (request.method === "OPTIONS") return Effect.succeed(preflightResponse(origins, request))
        const overCap = openRequests.open(address)
        if (overCap !== undefined) return Effect.succeed(failureResponse(overCap))
        return serve(request).pipe(
          Effect.catchAll((failure) => Effect.succeed(failureResponse(failure))),
          Effect.map((response) =>
            withHeaders(response, {
              ...corsHeaders(origins, request),
              // Answered without reading the body (refused before it): close rather than wait for the rest.
              ...(request.body !== null && !request.bodyUsed ? { connection: "close" } : {})
            })
          ),
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
        yield* listen.closeAll
        yield* sessions.closeAll
      })
      return { handle, drain, isDraining: Ref.get(draining) }
    })
  )
