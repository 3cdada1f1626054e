/**
 * Policy: the one gate every tool call passes after its input decodes and before its handler
 * runs. `gate` applies POLICY_MODE (off / log-only / enforce), records the decision metric,
 * appends the call to the invocation log when it proceeds, and tells the caller whether the
 * agent should see a "treat these arguments as data" reminder. The rules themselves live in
 * `rules.ts`; this file is the contract.
 */
import { Context, type Effect, Layer, type Option } from "effect"
import { InvocationLog } from "../layers/InvocationLog.ts"
import type { PolicyHint, ToolScope } from "../tools/ToolSpec.ts"
import type { PolicyDenied } from "./PolicyDenied.ts"
import { makePolicy } from "./PolicyLive.ts"
import { PolicySettings } from "./PolicySettings.ts"

export interface PolicyCall {
  readonly tool: { readonly name: string; readonly scope: ToolScope; readonly policyHint: PolicyHint }
  readonly userId: string
  /** The decoded input (defaults applied): every nested string is scanned for injection markers. */
  readonly input: unknown
}

export interface GatePass {
  /** Present when the call was flagged: a reminder the agent must see beside the result. */
  readonly reminder: Option.Option<string>
}

export interface PolicyShape {
  /**
   * Decides a call. Fails with `PolicyDenied` only in `enforce` mode; in `log-only` a deny is
   * logged as WOULD-DENY and counted, and the call proceeds. A call that proceeds is appended to
   * the invocation log (that is what rate limits count).
   */
  readonly gate: (call: PolicyCall) => Effect.Effect<GatePass, PolicyDenied>
}

export class Policy extends Context.Tag("mana-mcp/Policy")<Policy, PolicyShape>() {
  /** The gate per POLICY_MODE; needs ManaConfig, Metrics, PolicySettings and InvocationLog. */
  static readonly layer = Layer.effect(Policy, makePolicy)
  /** The gate with settings from ManaConfig and an in-memory invocation log; needs ManaConfig and Metrics. */
  static readonly layerInMemory = Policy.layer.pipe(
    Layer.provide(Layer.merge(PolicySettings.layer, InvocationLog.layer))
  )
}
