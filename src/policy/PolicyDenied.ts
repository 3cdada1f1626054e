/**
 * PolicyDenied: the policy gate refused a tool call in `enforce` mode. Its message is the
 * agent-facing text `Tool <name> not allowed: <reason>: <reminder>`.
 */
import { Schema } from "effect"

export const DenyReason = Schema.Literal(
  "admin-scope-not-invokable",
  "destructive-not-allowed",
  "rate-limit-exceeded",
  // RATE_LIMIT_ON_STORE_ERROR=closed and the shared rate-limit store (Redis) is unreachable.
  "rate-limit-unavailable",
  // More bulk items than POLICY_BULK_ITEM_BUDGET allows in the window.
  "item-budget-exceeded"
)
export type DenyReason = typeof DenyReason.Type

export class PolicyDenied extends Schema.TaggedError<PolicyDenied>()("PolicyDenied", {
  tool: Schema.String,
  reason: DenyReason,
  reminder: Schema.String
}) {
  override get message() {
    return `Tool ${this.tool} not allowed: ${this.reason}: ${this.reminder}`
  }
}
