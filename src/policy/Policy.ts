/**
 * Policy: the one gate every tool call passes after its input decodes and before its handler
 * runs. `gate` applies POLICY_MODE around the pure rules of `rules.ts`: `off` evaluates nothing,
 * counts nothing and records nothing; `log-only` evaluates, counts the decision, logs a would-be
 * deny as WOULD-DENY and lets every call proceed; `enforce` fails denied calls with
 * `PolicyDenied`. In both evaluating modes a call that proceeds is recorded in the InvocationLog,
 * so rate limits count only calls that ran. Metric labels never carry a user id; the user id
 * appears only as a log annotation.
 */
import { Clock, Context, Duration, Effect, Hash, Layer, Option } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { Metrics } from "../observability/Metrics.ts"
import type { PolicyHint, ToolScope } from "../tools/ToolSpec.ts"
import { InvocationLog } from "./InvocationLog.ts"
import { PolicyDenied } from "./PolicyDenied.ts"
import { PolicySettings } from "./PolicySettings.ts"
import { type Decision, decisionLabels, evaluate } from "./rules.ts"

export interface PolicyCall {
  readonly tool: { readonly name: string; readonly scope: ToolScope; readonly policyHint: PolicyHint }
  readonly userId: string
  /** The decoded input (defaults applied): every nested string is scanned for injection markers. */
  readonly input: unknown
}

export interface GatePass {
  /** Present when the call was flagged: a reminder the agent must see beside the result. */
  readonly reminder: Option.Option<string>
  /** For the audit trail: `unchecked` in `POLICY_MODE=off`, `would-deny` for a deny in `log-only`. */
  readonly decision: "allow" | "flagged" | "would-deny" | "unchecked"
  /** `clean`, `injection-marker`, the deny reason, or `policy-off`. */
  readonly reason: string
}

export interface PolicyShape {
  /**
   * Decides a call. Fails with `PolicyDenied` only in `enforce` mode; in `log-only` a deny is
   * logged as WOULD-DENY and counted, and the call proceeds. A call that proceeds is appended to
   * the invocation log (that is what rate limits count).
   */
  readonly gate: (call: PolicyCall) => Effect.Effect<GatePass, PolicyDenied>
}

const pass = (reminder: Option.Option<string>, decision: GatePass["decision"], reason: string): GatePass => ({
  reminder,
  decision,
  reason
})

/** Builds the gate; the mode is read once, at layer construction. */
const makePolicy = Effect.gen(function*() {
  const { policyMode } = yield* ManaConfig
  const metrics = yield* Metrics
  const settings = yield* PolicySettings
  const log = yield* InvocationLog
  if (policyMode === "off") {
    return { gate: () => Effect.succeed(pass(Option.none(), "unchecked", "policy-off")) } satisfies PolicyShape
  }
  const enforce = policyMode === "enforce"
  // Check-then-record must be atomic per (user, tool), or concurrent calls could all see "29" and
  // all proceed. Striped locks keep that atomic without serialising unrelated users' calls (the
  // critical section includes the input scan); a shared-log layer would move this into the log.
  const stripes = yield* Effect.forEach(Array.from({ length: 64 }), () => Effect.makeSemaphore(1))
  const lockFor = (call: PolicyCall) => {
    const stripe = stripes[Math.abs(Hash.string(`${call.userId}\u0000${call.tool.name}`)) % stripes.length]
    return stripe === undefined ? Effect.die("no lock stripe") : Effect.succeed(stripe)
  }

  const decide = (call: PolicyCall): Effect.Effect<Decision> =>
    Effect.gen(function*() {
      const user = yield* settings.forUser(call.userId)
      // Counts saturate at the log's capacity, so a higher limit could never trigger.
      const rateLimit = Math.min(user.rateLimit, log.capacity)
      const recent = yield* log.recentCalls(call.userId, call.tool.name, user.rateWindow)
      const now = yield* Clock.currentTimeMillis
      const decision = evaluate({
        tool: call.tool,
        input: call.input,
        allowDestructive: user.allowDestructive,
        rateLimit,
        rateWindowMillis: Duration.toMillis(user.rateWindow),
        recent,
        now
      })
      const proceeds = decision._tag !== "Deny" || !enforce
      if (proceeds) yield* log.record(call.userId, call.tool.name)
      return decision
    }).pipe((decision) => Effect.flatMap(lockFor(call), (lock) => lock.withPermits(1)(decision)))

  const report = (call: PolicyCall, decision: Decision) => {
    const labels = decisionLabels(decision)
    const counted = metrics.policyDecision(labels.decision, labels.reason, policyMode)
    const logged = decision._tag === "Deny"
      ? Effect.logWarning(`${enforce ? "DENY" : "WOULD-DENY"} ${call.tool.name} ${decision.reason}`)
      : decision._tag === "Flagged"
      ? Effect.logWarning(`FLAGGED ${call.tool.name} injection-marker ${decision.marker} at ${decision.path}`)
      : Effect.void
    return Effect.zipRight(
      counted,
      logged.pipe(Effect.annotateLogs({ userId: call.userId, tool: call.tool.name, policyMode }))
    )
  }

  const gate = (call: PolicyCall): Effect.Effect<GatePass, PolicyDenied> =>
    Effect.gen(function*() {
      const decision = yield* decide(call)
      yield* report(call, decision)
      const labels = decisionLabels(decision)
      yield* Effect.annotateCurrentSpan({
        "mana.policy.decision": labels.decision,
        "mana.policy.reason": labels.reason
      })
      switch (decision._tag) {
        case "Deny":
          return enforce
            ? yield* new PolicyDenied({ tool: call.tool.name, reason: decision.reason, reminder: decision.reminder })
            : pass(Option.none(), "would-deny", decision.reason)
        case "Flagged":
          return pass(Option.some(decision.reminder), "flagged", labels.reason)
        case "Clean":
          return pass(Option.none(), "allow", labels.reason)
      }
    }).pipe(
      Effect.withSpan("Policy.gate", {
        attributes: { "gen_ai.tool.name": call.tool.name, "mana.policy.mode": policyMode },
        captureStackTrace: false
      })
    )

  return { gate } satisfies PolicyShape
})

export class Policy extends Context.Tag("mana-mcp/Policy")<Policy, PolicyShape>() {
  /** The gate per POLICY_MODE; needs ManaConfig, Metrics, PolicySettings and InvocationLog. */
  static readonly layer = Layer.effect(Policy, makePolicy)
  /** The gate with settings from ManaConfig and an in-memory invocation log; needs ManaConfig and Metrics. */
  static readonly layerInMemory = Policy.layer.pipe(
    Layer.provide(Layer.merge(PolicySettings.layer, InvocationLog.layer))
  )
}
