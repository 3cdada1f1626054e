/**
 * The span of one tool call, named and attributed per the OpenTelemetry MCP semantic conventions
 * (`tools/call <tool>`, `mcp.method.name`, `gen_ai.tool.name`, …). Its parent is the HTTP request
 * that carried the call, so one trace runs from the agent through the gateway to mana-sync; when
 * the call's own `_meta.traceparent` names another trace (the agent's span for this very call),
 * that wins and the HTTP request is linked instead. The user appears only as a pseudonym.
 */
import { Effect, Option, Tracer } from "effect"
import type { CallerShape } from "../../domain/Caller.ts"
import { userPseudonyms } from "../pseudonym.ts"

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

/** The W3C traceparent of the request as an external parent span, so an exporter links agent → gateway → mana-sync. */
export const parentSpanOf = (traceparent: string | undefined): Option.Option<Tracer.ExternalSpan> => {
  const match = traceparent === undefined ? null : traceparentPattern.exec(traceparent.trim().toLowerCase())
  if (match === null) return Option.none()
  const [, traceId, spanId, flags] = match
  if (traceId === undefined || spanId === undefined || flags === undefined || /^0+$/.test(traceId)) return Option.none()
  return Option.some(Tracer.externalSpan({ traceId, spanId, sampled: (parseInt(flags, 16) & 1) === 1 }))
}

const placement = (caller: CallerShape): {
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly links: ReadonlyArray<Tracer.SpanLink>
} => {
  const agent = parentSpanOf(caller.traceparent)
  const request = caller.requestSpan
  if (request === undefined) return { parent: agent, links: [] }
  if (Option.isSome(agent) && agent.value.traceId !== request.traceId) {
    return { parent: agent, links: [{ _tag: "SpanLink", span: request, attributes: {} }] }
  }
  return { parent: Option.some(request), links: [] }
}

/**
 * Opens the tool call's span and hands it to `evaluate`, which must make it the parent of its
 * work (`Effect.withParentSpan`, or the span as `Tracer.ParentSpan` in a context it provides
 * anyway).
 */
export const useToolSpan = <A, E, R>(
  toolName: string,
  caller: CallerShape,
  evaluate: (span: Tracer.Span) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const { links, parent } = placement(caller)
  return Effect.flatMap(userPseudonyms, (userPseudonym) =>
    Effect.useSpan(`tools/call ${toolName}`, {
      kind: "server",
      links,
      captureStackTrace: false,
      ...(Option.isSome(parent) ? { parent: parent.value } : {}),
      attributes: {
        "mcp.method.name": "tools/call",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": toolName,
        "mana.space.id": caller.spaceId,
        "enduser.pseudo.id": userPseudonym(caller.principal.userId),
        ...(caller.sessionId === undefined ? {} : { "mcp.session.id": caller.sessionId })
      }
    }, evaluate))
}
