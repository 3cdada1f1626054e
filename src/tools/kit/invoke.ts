/**
 * The invoke pipeline, the same for both protocol eras: decode the arguments (every bad path
 * reported) → policy gate → handler with the per-request Caller → output encoded against its
 * schema. It is the only place where typed tool errors become MCP results, and where
 * `mana_mcp_tool_invocations_total` / `_duration_seconds` and the call's audit line are recorded.
 * When the gate wants the user to confirm a destructive call, the outcome is
 * `ConfirmationRequired` (the question and a signed state) and the transport asks; the round with
 * the answer comes back through here, its state verified against this very call before the gate
 * sees the answer.
 */
import { Cause, Clock, Context, Effect, Option, Random, Tracer } from "effect"
import { Caller, type CallerShape } from "../../domain/Caller.ts"
import { type AuditDecision, AuditLog } from "../../observability/audit/AuditLog.ts"
import { type WrittenRecord, WrittenRecords } from "../../observability/audit/writtenRecords.ts"
import { Metrics, type ToolOutcome } from "../../observability/Metrics.ts"
import { useToolSpan } from "../../observability/tracing/toolSpan.ts"
import { type Confirmation, type ConfirmationRound, noConfirmationRound } from "../../policy/Confirmation.ts"
import { ConfirmationSigner } from "../../policy/ConfirmationSigner.ts"
import { Policy } from "../../policy/Policy.ts"
import { bulkCallOf, gatedHint } from "./bulk/bulkCall.ts"
import type { Registry } from "./registry.ts"
import { errorResult, makeSuccessResult, type ToolResult } from "./toolResult.ts"

export type InvokeOutcome =
  | {
    readonly _tag: "Result"
    readonly result: ToolResult
    /** Non-blocking policy notes, sent to the client as `warning` log notifications. */
    readonly warnings?: ReadonlyArray<string>
    /** The tag of the handler's typed error when the result is one (e.g. `RecordNotFound`), for callers that map it. */
    readonly failure?: string
  }
  | { readonly _tag: "UnknownTool"; readonly name: string }
  /** Ask the user `message` (Confirm/Cancel), then call again with the answer and `state`. */
  | { readonly _tag: "ConfirmationRequired"; readonly message: string; readonly state: string }

/** What the audit line says about a call besides who, where and when. */
interface Verdict {
  readonly decision: AuditDecision
  readonly reason: string
  readonly outcome: string
}

interface Answered {
  readonly outcome: InvokeOutcome
  readonly verdict: Verdict
  /** A bulk call's item count, for the audit line. */
  readonly items?: number
}

const answered = (result: ToolResult, verdict: Verdict, failure?: string): Answered => ({
  outcome: failure === undefined ? { _tag: "Result", result } : { _tag: "Result", result, failure },
  verdict
})

const internalErrorMessage = (tool: string, reference?: string) =>
  `Tool ${tool} failed because of an internal gateway error${
    reference === undefined ? "" : ` (reference ${reference})`
  }. Nothing secret was exposed; retry once, and if it persists report it${
    reference === undefined ? "" : " with the reference"
  }.`

/** A short id that ties the agent's message to the one log line with the stack. */
const referenceId = Effect.map(
  Effect.all([Random.nextIntBetween(0, 0x10000), Random.nextIntBetween(0, 0x10000)]),
  ([high, low]) => `${high.toString(16).padStart(4, "0")}${low.toString(16).padStart(4, "0")}`
)

/** `successResult` is one per invoke function: it remembers the JSON text of each output object. */
export const makeInvoke = <R>(registry: Registry<R>, successResult = makeSuccessResult()) =>
(
  name: string,
  args: unknown,
  caller: CallerShape,
  round: ConfirmationRound = noConfirmationRound
): Effect.Effect<InvokeOutcome, never, Exclude<R, Caller> | Policy | Metrics | AuditLog | ConfirmationSigner> => {
  const tool = registry.exposed.get(name)
  if (tool === undefined) return Effect.succeed({ _tag: "UnknownTool", name })

  // Any unexpected failure — in decoding, the gate, a confirmation or the handler — is a defect:
  // one generic answer with a reference, one log line with the stack, one count. Never a raw
  // JSON-RPC error.
  const defect = (cause: Cause.Cause<unknown>, gate: Omit<Verdict, "outcome">) =>
    Effect.gen(function*() {
      const reference = yield* referenceId
      yield* Effect.logError("tool defect", { tool: tool.name, reference }, cause)
      const metrics = yield* Metrics
      yield* metrics.toolDefect(tool.name)
      yield* metrics.toolInvocation(tool.name, "handler-error", 0)
      return answered(errorResult(internalErrorMessage(tool.name, reference)), { ...gate, outcome: "defect" })
    })

  const call = (
    started: number,
    noteWarnings: (notes: ReadonlyArray<string>) => void,
    noteItems: (items: number) => void
  ) =>
    Effect.gen(function*() {
      const metrics = yield* Metrics
      const policy = yield* Policy
      const signer = yield* ConfirmationSigner
      const finish = (outcome: ToolOutcome, result: ToolResult, verdict: Verdict, failure?: string) =>
        Effect.flatMap(
          Clock.currentTimeMillis,
          (now): Effect.Effect<Answered> =>
            Effect.as(
              metrics.toolInvocation(tool.name, outcome, (now - started) / 1000),
              answered(result, verdict, failure)
            )
        )

      const decoded = yield* Effect.either(tool.decode(args))
      if (decoded._tag === "Left") {
        return yield* finish("input-invalid", errorResult(decoded.left.message), {
          decision: "unchecked",
          reason: "input-invalid",
          outcome: "input-invalid"
        })
      }
      const { confirmation: confirming, input, run } = decoded.right
      const bulk = bulkCallOf(input)
      if (bulk !== undefined) noteItems(bulk.items)
      const policyHint = gatedHint(tool.policyHint, bulk)
      const claim = { tool: tool.name, userId: caller.principal.userId, spaceId: caller.spaceId, input }

      // An answer counts only if its signed state was minted for exactly this call, unexpired, unused.
      const confirmation: Confirmation = round.answer === undefined
        ? { _tag: round.canAsk && confirming !== undefined && policyHint === "destructive" ? "CanAsk" : "CannotAsk" }
        : { _tag: "Answered", answer: round.answer.answer }
      if (round.answer !== undefined) {
        const verified = yield* Effect.either(signer.redeem(round.answer.state, claim))
        if (verified._tag === "Left") {
          return answered(errorResult(verified.left.message), {
            decision: "deny",
            reason: `confirmation-${verified.left.reason}`,
            outcome: verified.left._tag
          })
        }
      }

      const pass = yield* Effect.either(
        policy.gate({
          tool: policyHint === tool.policyHint ? tool : { ...tool, policyHint },
          userId: caller.principal.userId,
          input,
          confirmation,
          ...(bulk === undefined || bulk.dryRun ? {} : { items: bulk.items })
        })
      )
      // Refused, asked and declined calls are not counted as invocations (a metrics contract).
      if (pass._tag === "Left") {
        const refusal = pass.left
        switch (refusal._tag) {
          case "PolicyDenied":
            return answered(errorResult(refusal.message), {
              decision: "deny",
              reason: refusal.reason,
              outcome: refusal._tag
            })
          case "ConfirmationDeclined": {
            const verdict: Verdict = { decision: "declined", reason: `user-${refusal.answer}`, outcome: "ok" }
            if (confirming === undefined) return answered(errorResult(internalErrorMessage(tool.name)), verdict)
            const declined = yield* Effect.either(confirming.declined(refusal.answer))
            return answered(
              declined._tag === "Left" ? errorResult(declined.left.message) : successResult(declined.right),
              verdict
            )
          }
          case "ConfirmationNeeded": {
            const verdict: Verdict = { decision: "asked", reason: "destructive-not-allowed", outcome: "asked" }
            if (confirming === undefined) return answered(errorResult(internalErrorMessage(tool.name)), verdict)
            const prompt = yield* Effect.either(confirming.prompt)
            if (prompt._tag === "Left") {
              return yield* finish("handler-error", errorResult(`Tool ${tool.name} failed: ${prompt.left.message}`), {
                ...verdict,
                outcome: prompt.left._tag
              })
            }
            const state = yield* signer.mint(claim)
            return {
              outcome: { _tag: "ConfirmationRequired", message: prompt.right, state },
              verdict
            } satisfies Answered
          }
        }
      }
      const gate = { decision: pass.right.decision, reason: pass.right.reason }
      noteWarnings(Option.toArray(pass.right.warning))
      if (bulk !== undefined) yield* metrics.bulkItems(tool.name, bulk.dryRun, bulk.items)

      return yield* run.pipe(
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
                  }, error._tag)
                ),
              onNone: () => Cause.isInterruptedOnly(cause) ? Effect.interrupt : defect(cause, gate)
            })
        })
      )
    }).pipe(
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause) ? Effect.interrupt : defect(cause, { decision: "unchecked", reason: "defect" })
      )
    )

  // One generator per call (the pipeline above is the rest): no Ref for the warnings, one clock
  // read for both the metric's and the audit line's duration; the tool span hands over its trace
  // id for the audit line (no `currentSpan` lookup). One context update for the whole call — the
  // span as parent, the `Caller` (for the handler and a confirmation prompt) and the collector of
  // written records — since each update copies the fiber's context and refs.
  return useToolSpan(tool.name, caller, (span) =>
    Effect.suspend(() => {
      const written: Array<WrittenRecord> = []
      // Typed by what the call requires (`Caller`); the span and the collector are optional extras.
      const context: Context.Context<Caller> = Context.make(Tracer.ParentSpan, span).pipe(
        Context.add(Caller, caller),
        Context.add(WrittenRecords, written)
      )
      return Effect.provide(
        Effect.gen(function*() {
          const started = yield* Clock.currentTimeMillis
          let notes: ReadonlyArray<string> = []
          let items: number | undefined
          const { outcome, verdict } = yield* call(started, (warnings) => {
            notes = warnings
          }, (count) => {
            items = count
          })
          const durationMs = (yield* Clock.currentTimeMillis) - started
          const audit = yield* AuditLog
          yield* audit.record({
            userId: caller.principal.userId,
            clientName: caller.clientName,
            era: caller.era,
            sessionId: caller.sessionId,
            spaceId: caller.spaceId,
            tool: tool.name,
            ...verdict,
            records: written,
            ...(items === undefined ? {} : { items }),
            durationMs,
            traceId: span.traceId
          })
          return outcome._tag === "Result" && notes.length > 0 ? { ...outcome, warnings: notes } : outcome
        }),
        context
      )
    })).pipe(
      Effect.annotateLogs({ tool: tool.name, userId: caller.principal.userId })
    )
}
