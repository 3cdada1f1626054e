/**
 * The invoke pipeline, the same for both protocol eras: decode the arguments (every bad path
 * reported) → policy gate → handler with the per-request Caller → output encoded against its
 * schema. It is the only place where typed tool errors become MCP results, and where
 * `mana_mcp_tool_invocations_total` / `_duration_seconds` and the call's audit line are recorded.
 */
import { Cause, Clock, Effect, Option } from "effect"
import { Caller, type CallerShape } from "../domain/Caller.ts"
import { type AuditDecision, AuditLog } from "../observability/audit/AuditLog.ts"
import { withWrittenRecords } from "../observability/audit/writtenRecords.ts"
import { Metrics, type ToolOutcome } from "../observability/Metrics.ts"
import { withToolSpan } from "../observability/tracing/toolSpan.ts"
import { Policy } from "../policy/Policy.ts"
import type { Registry } from "./registry.ts"
import { errorResult, makeSuccessResult, type ToolResult } from "./toolResult.ts"

export type InvokeOutcome =
  | { readonly _tag: "Result"; readonly result: ToolResult }
  | { readonly _tag: "UnknownTool"; readonly name: string }

/** What the audit line says about a call besides who, where and when. */
interface Verdict {
  readonly decision: AuditDecision
  readonly reason: string
  readonly outcome: string
}

interface Answered {
  readonly result: ToolResult
  readonly verdict: Verdict
}

const internalErrorMessage = (tool: string) =>
  `Tool ${tool} failed because of an internal gateway error. Nothing secret was exposed; retry once, and report it if it persists.`

/** `successResult` is one per invoke function: it remembers the JSON text of each output object. */
export const makeInvoke = <R>(registry: Registry<R>, successResult = makeSuccessResult()) =>
(
  name: string,
  args: unknown,
  caller: CallerShape
): Effect.Effect<InvokeOutcome, never, Exclude<R, Caller> | Policy | Metrics | AuditLog> => {
  const tool = registry.exposed.get(name)
  if (tool === undefined) return Effect.succeed({ _tag: "UnknownTool", name })

  const call = Effect.gen(function*() {
    const metrics = yield* Metrics
    const policy = yield* Policy
    const started = yield* Clock.currentTimeMillis
    const finish = (outcome: ToolOutcome, result: ToolResult, verdict: Verdict) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now): Effect.Effect<Answered> =>
          Effect.as(metrics.toolInvocation(tool.name, outcome, (now - started) / 1000), { result, verdict })
      )

    const decoded = yield* Effect.either(tool.decode(args))
    if (decoded._tag === "Left") {
      return yield* finish("input-invalid", errorResult(decoded.left.message), {
        decision: "unchecked",
        reason: "input-invalid",
        outcome: "input-invalid"
      })
    }

    const pass = yield* Effect.either(
      policy.gate({ tool, userId: caller.principal.userId, input: decoded.right.input })
    )
    // Denied calls are reported to the agent but not counted as invocations (a metrics contract).
    if (pass._tag === "Left") {
      return {
        result: errorResult(pass.left.message),
        verdict: { decision: "deny", reason: pass.left.reason, outcome: pass.left._tag }
      } satisfies Answered
    }
    const gate = { decision: pass.right.decision, reason: pass.right.reason }

    return yield* decoded.right.run.pipe(
      Effect.provideService(Caller, caller),
      Effect.matchCauseEffect({
        onSuccess: (output) =>
          finish("success", successResult(output, Option.getOrUndefined(pass.right.reminder)), {
            ...gate,
            outcome: "ok"
          }),
        onFailure: (cause) =>
          Option.match(Cause.failureOption(cause), {
            onSome: (error) =>
              Effect.zipRight(
                Effect.logInfo("tool failed", { tool: tool.name, error: error._tag }),
                finish("handler-error", errorResult(`Tool ${tool.name} failed: ${error.message}`), {
                  ...gate,
                  outcome: error._tag
                })
              ),
            // Defects (bugs) are logged with their cause for operators; the agent gets a generic message.
            onNone: () =>
              Effect.zipRight(
                Effect.logError("tool defect", { tool: tool.name }, cause),
                finish("handler-error", errorResult(internalErrorMessage(tool.name)), { ...gate, outcome: "defect" })
              )
          })
      })
    )
  })

  /** The call and its audit line: who, where, what was decided and written, how long, which trace. */
  const audited = withWrittenRecords((written) =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const { result, verdict } = yield* call
      const durationMs = (yield* Clock.currentTimeMillis) - started
      const span = yield* Effect.option(Effect.currentSpan)
      yield* Effect.flatMap(AuditLog, (audit) =>
        audit.record({
          userId: caller.principal.userId,
          clientName: caller.clientName,
          era: caller.era,
          sessionId: caller.sessionId,
          spaceId: caller.spaceId,
          tool: tool.name,
          ...verdict,
          records: written(),
          durationMs,
          traceId: Option.getOrUndefined(Option.map(span, (current) => current.traceId))
        }))
      return result
    })
  )

  return audited.pipe(
    Effect.map((result): InvokeOutcome => ({ _tag: "Result", result })),
    withToolSpan(tool.name, caller),
    Effect.annotateLogs({ tool: tool.name, userId: caller.principal.userId })
  )
}
