/**
 * Policy: the one gate every tool call passes after its input decodes and before its handler
 * runs. `gate` applies POLICY_MODE around the pure rules of `rules.ts`: `off` evaluates nothing,
 * counts nothing and records nothing; `log-only` evaluates, counts the decision, logs a would-be
 * deny as WOULD-DENY and lets every call proceed; `enforce` fails denied calls with
 * `PolicyDenied`. In both evaluating modes a call that proceeds is recorded in the InvocationLog,
 * so rate limits count only calls that ran. Metric labels never carry a user id; the user id
 * appears only as a log annotation.
 */
import { Clock, Context, Duration, Effect, Either, Layer, Option } from "effect"
import { ManaConfig } from "../config/Config.ts"
import type { PolicyHint } from "../domain/PolicyHint.ts"
import type { ToolScope } from "../domain/ToolScope.ts"
import { Metrics } from "../observability/Metrics.ts"
import { annotateChildSpan, withChildSpan } from "../observability/tracing/childSpan.ts"
import { type Confirmation, ConfirmationDeclined, ConfirmationNeeded } from "./Confirmation.ts"
import { InvocationLog, type RecordWhen } from "./InvocationLog.ts"
import { ItemBudget } from "./ItemBudget.ts"
import { itemBudgetReminder } from "./itemBudgetReminder.ts"
import { PolicyDenied } from "./PolicyDenied.ts"
import { PolicySettings } from "./PolicySettings.ts"
import { type Decision, decisionLabels, evaluate, rateLimitUnavailable, staticDenial } from "./rules.ts"

export interface PolicyCall {
  readonly tool: { readonly name: string; readonly scope: ToolScope; readonly policyHint: PolicyHint }
  readonly userId: string
  /** The decoded input (defaults applied): every nested string is scanned for injection markers. */
  readonly input: unknown
  /** Whether the user can be asked to confirm, or their answer; absent means they cannot be asked. */
  readonly confirmation?: Confirmation
  /** A bulk call that writes: how many items it carries (checked against the user's item budget). */
  readonly items?: number
}

export interface GatePass {
  /** Present when the call was flagged: a reminder the agent must see beside the result. */
  readonly reminder: Option.Option<string>
  /** For the audit trail: `unchecked` in `POLICY_MODE=off`, `would-deny` for a deny in `log-only`. */
  readonly decision: "allow" | "flagged" | "would-deny" | "unchecked" | "confirmed"
  /** `clean`, `injection-marker`, the deny reason, or `policy-off`. */
  readonly reason: string
  /**
   * Present when the gate has something to say that does not block the call (a flagged marker, a
   * log-only would-deny): sent to the client as a `warning` log notification.
   */
  readonly warning: Option.Option<string>
}

export interface PolicyShape {
  /**
   * Decides a call. Fails with `PolicyDenied` only in `enforce` mode; in `log-only` a deny is
   * logged as WOULD-DENY and counted, and the call proceeds. A call that proceeds is appended to
   * the invocation log (that is what rate limits count).
   */
  readonly gate: (
    call: PolicyCall
  ) => Effect.Effect<GatePass, PolicyDenied | ConfirmationNeeded | ConfirmationDeclined>
}

/** A verdict: the rules' decision plus whether the user is to be asked, or confirmed it. */
interface Verdict {
  readonly decision: Decision
  /** Enforce mode, a destructive call not allowed, a client that can ask: ask instead of denying. */
  readonly ask: boolean
  readonly confirmed: boolean
}

const pass = (
  reminder: Option.Option<string>,
  decision: GatePass["decision"],
  reason: string,
  warning: Option.Option<string> = Option.none()
): GatePass => ({
  reminder,
  decision,
  reason,
  warning
})

/** Builds the gate; the mode is read once, at layer construction. */
const makePolicy = Effect.gen(function*() {
  const { policyMode, rateLimitOnStoreError } = yield* ManaConfig
  const metrics = yield* Metrics
  const settings = yield* PolicySettings
  const log = yield* InvocationLog
  // Provided with the state layers (memory or Redis), like the invocation log: no silent per-process fallback.
  const budget = yield* ItemBudget
  const declinedBy = (call: PolicyCall) =>
    call.confirmation?._tag === "Answered" && call.confirmation.answer !== "confirmed"
      ? Option.some(new ConfirmationDeclined({ tool: call.tool.name, answer: call.confirmation.answer }))
      : Option.none()
  if (policyMode === "off") {
    // Nothing is evaluated, but a user's "no" is still a no.
    const gate: PolicyShape["gate"] = (call) =>
      Option.match(declinedBy(call), {
        onNone: () => Effect.succeed(pass(Option.none(), "unchecked", "policy-off")),
        onSome: Effect.fail
      })
    return { gate } satisfies PolicyShape
  }
  const enforce = policyMode === "enforce"
  const noCalls = { count: 0, oldestAt: Option.none<number>() }

  const decide = (call: PolicyCall): Effect.Effect<Verdict> =>
    Effect.gen(function*() {
      const user = yield* settings.forUser(call.userId)
      const confirmed = call.confirmation?._tag === "Answered" && call.confirmation.answer === "confirmed" &&
        call.tool.policyHint === "destructive"
      // A confirmed call is allowed past the destructive rule only; rate limits and scans still apply.
      const allowDestructive = confirmed ? new Set([...user.allowDestructive, call.tool.name]) : user.allowDestructive
      // Counts saturate at the log's capacity, so a higher limit could never trigger.
      const rateLimit = Math.min(user.rateLimit, log.capacity)
      const denied = staticDenial(call.tool, allowDestructive)
      // Only calls that proceed are recorded. Count-and-record is one atomic step of the log, so
      // concurrent calls (on any instance, with a shared log) cannot all see "29" and all proceed.
      const record: RecordWhen = !enforce ? "always" : denied !== undefined ? "never" : "under-limit"
      const admitted = yield* Effect.either(
        log.admit(call.userId, call.tool.name, { window: user.rateWindow, limit: rateLimit, record })
      )
      if (Either.isLeft(admitted) && denied === undefined && rateLimitOnStoreError === "closed") {
        return { decision: rateLimitUnavailable(call.tool.name), ask: false, confirmed }
      }
      const now = yield* Clock.currentTimeMillis
      const ruled = evaluate({
        tool: call.tool,
        input: call.input,
        allowDestructive,
        rateLimit,
        rateWindowMillis: Duration.toMillis(user.rateWindow),
        // RATE_LIMIT_ON_STORE_ERROR=open: an unreachable store counts as no recent calls.
        recent: Either.getOrElse(admitted, () => noCalls),
        now
      })
      const decision = ruled._tag === "Deny" || call.items === undefined || call.items === 0
        ? ruled
        : yield* withinItemBudget(call, call.items, user.bulkItemBudget ?? 500, user.rateWindow, ruled)
      const ask = enforce && decision._tag === "Deny" && decision.reason === "destructive-not-allowed" &&
        call.confirmation?._tag === "CanAsk"
      return { decision, ask, confirmed }
    })

  // One more rule beside the per-tool rate limit: the user's bulk items per window across bulk tools.
  const withinItemBudget = (
    call: PolicyCall,
    items: number,
    limit: number,
    window: Duration.Duration,
    ruled: Decision
  ) =>
    Effect.map(
      Effect.either(budget.take(call.userId, items, { limit, window, always: !enforce })),
      (taken): Decision =>
        Either.isLeft(taken) || taken.right.allowed ? ruled : {
          _tag: "Deny",
          reason: "item-budget-exceeded",
          reminder: itemBudgetReminder(items, limit, window, taken.right.resetsIn)
        }
    )

  const labelsOf = ({ ask, confirmed, decision }: Verdict) =>
    ask
      ? { decision: "asked", reason: "destructive-not-allowed" } as const
      : confirmed && decision._tag !== "Deny"
      ? { decision: "confirmed", reason: "user-confirmed" } as const
      : decisionLabels(decision)

  const report = (call: PolicyCall, verdict: Verdict) => {
    const { ask, confirmed, decision } = verdict
    const labels = labelsOf(verdict)
    const counted = metrics.policyDecision(labels.decision, labels.reason, policyMode)
    const logged = ask
      ? Effect.logInfo(`ASK ${call.tool.name} destructive-not-allowed: asking the user to confirm`)
      : confirmed && decision._tag !== "Deny"
      ? Effect.logInfo(`CONFIRMED ${call.tool.name} by the user`)
      : decision._tag === "Deny"
      ? Effect.logWarning(`${enforce ? "DENY" : "WOULD-DENY"} ${call.tool.name} ${decision.reason}`)
      : decision._tag === "Flagged"
      ? Effect.logWarning(`FLAGGED ${call.tool.name} injection-marker ${decision.marker} at ${decision.path}`)
      : undefined
    // A clean call logs nothing: no log annotations to set up for it.
    return logged === undefined ? counted : Effect.zipRight(
      counted,
      logged.pipe(Effect.annotateLogs({ userId: call.userId, tool: call.tool.name, policyMode }))
    )
  }

  const reportDeclined = (declined: ConfirmationDeclined) =>
    Effect.zipRight(
      metrics.policyDecision("declined", `user-${declined.answer}`, policyMode),
      Effect.logInfo(`DECLINED ${declined.tool} by the user (${declined.answer})`)
    )

  const gate: PolicyShape["gate"] = (call) =>
    Effect.gen(function*() {
      const declined = declinedBy(call)
      if (Option.isSome(declined)) {
        yield* reportDeclined(declined.value).pipe(Effect.annotateLogs({ userId: call.userId, tool: call.tool.name }))
        yield* annotateChildSpan({
          "mana.policy.decision": "declined",
          "mana.policy.reason": `user-${declined.value.answer}`
        })
        return yield* declined.value
      }
      const verdict = yield* decide(call)
      yield* report(call, verdict)
      const labels = labelsOf(verdict)
      yield* annotateChildSpan({
        "mana.policy.decision": labels.decision,
        "mana.policy.reason": labels.reason
      })
      if (verdict.ask) return yield* new ConfirmationNeeded({ tool: call.tool.name })
      const decision = verdict.decision
      switch (decision._tag) {
        case "Deny":
          return enforce
            ? yield* new PolicyDenied({ tool: call.tool.name, reason: decision.reason, reminder: decision.reminder })
            : pass(
              Option.none(),
              "would-deny",
              decision.reason,
              Option.some(
                `Policy (log-only): ${call.tool.name} would be refused in enforce mode (${decision.reason}): ${decision.reminder}`
              )
            )
        case "Flagged":
          return pass(
            Option.some(decision.reminder),
            verdict.confirmed ? "confirmed" : "flagged",
            labels.reason,
            Option.some(`Policy: ${call.tool.name} was flagged (injection marker "${decision.marker}"); it ran`)
          )
        case "Clean":
          return pass(Option.none(), verdict.confirmed ? "confirmed" : "allow", labels.reason)
      }
    }).pipe(
      withChildSpan("Policy.gate", {
        attributes: { "gen_ai.tool.name": call.tool.name, "mana.policy.mode": policyMode }
      })
    )

  return { gate } satisfies PolicyShape
})

export class Policy extends Context.Tag("mana-mcp/Policy")<Policy, PolicyShape>() {
  /** The gate per POLICY_MODE; needs ManaConfig, Metrics, PolicySettings, InvocationLog and ItemBudget. */
  static readonly layer = Layer.effect(Policy, makePolicy)
  /** The gate with settings from ManaConfig and an in-memory invocation log; needs ManaConfig and Metrics. */
  static readonly layerMemory = Policy.layer.pipe(
    Layer.provide(Layer.mergeAll(PolicySettings.layer, InvocationLog.layerMemory, ItemBudget.layerMemory))
  )
}
