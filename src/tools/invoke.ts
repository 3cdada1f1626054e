/**
 * The invoke pipeline, the same for both protocol eras: decode the arguments (every bad path
 * reported) → policy gate → handler with the per-request Caller → output encoded against its
 * schema. It is the only place where typed tool errors become MCP results, and where
 * `mana_mcp_tool_invocations_total` / `_duration_seconds` are recorded.
 */
import { Cause, Clock, Effect, Option } from "effect"
import { Caller, type CallerShape } from "../domain/Caller.ts"
import { Metrics, type ToolOutcome } from "../observability/Metrics.ts"
import { withToolSpan } from "../observability/tracing/toolSpan.ts"
import { Policy } from "../policy/Policy.ts"
import type { Registry } from "./registry.ts"
import { errorResult, successResult, type ToolResult } from "./toolResult.ts"

export type InvokeOutcome =
  | { readonly _tag: "Result"; readonly result: ToolResult }
  | { readonly _tag: "UnknownTool"; readonly name: string }

const internalErrorMessage = (tool: string) =>
  `Tool ${tool} failed because of an internal gateway error. Nothing secret was exposed; retry once, and report it if it persists.`

export const makeInvoke = <R>(registry: Registry<R>) =>
(
  name: string,
  args: unknown,
  caller: CallerShape
): Effect.Effect<InvokeOutcome, never, Exclude<R, Caller> | Policy | Metrics> => {
  const tool = registry.exposed.get(name)
  if (tool === undefined) return Effect.succeed({ _tag: "UnknownTool", name })

  const call = Effect.gen(function*() {
    const metrics = yield* Metrics
    const policy = yield* Policy
    const started = yield* Clock.currentTimeMillis
    const finish = (outcome: ToolOutcome, result: ToolResult) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now) => Effect.as(metrics.toolInvocation(tool.name, outcome, (now - started) / 1000), result)
      )

    const decoded = yield* Effect.either(tool.decode(args))
    if (decoded._tag === "Left") return yield* finish("input-invalid", errorResult(decoded.left.message))

    const pass = yield* Effect.either(
      policy.gate({ tool, userId: caller.principal.userId, input: decoded.right.input })
    )
    // Denied calls are reported to the agent but not counted as invocations (a metrics contract).
    if (pass._tag === "Left") return errorResult(pass.left.message)

    return yield* decoded.right.run.pipe(
      Effect.provideService(Caller, caller),
      Effect.matchCauseEffect({
        onSuccess: (output) => finish("success", successResult(output, Option.getOrUndefined(pass.right.reminder))),
        onFailure: (cause) =>
          Option.match(Cause.failureOption(cause), {
            onSome: (error) =>
              Effect.zipRight(
                Effect.logInfo("tool failed", { tool: tool.name, error: error._tag }),
                finish("handler-error", errorResult(`Tool ${tool.name} failed: ${error.message}`))
              ),
            // Defects (bugs) are logged with their cause for operators; the agent gets a generic message.
            onNone: () =>
              Effect.zipRight(
                Effect.logError("tool defect", { tool: tool.name }, cause),
                finish("handler-error", errorResult(internalErrorMessage(tool.name)))
              )
          })
      })
    )
  })

  return call.pipe(
    Effect.map((result): InvokeOutcome => ({ _tag: "Result", result })),
    withToolSpan(tool.name, caller),
    Effect.annotateLogs({ tool: tool.name, userId: caller.principal.userId })
  )
}
