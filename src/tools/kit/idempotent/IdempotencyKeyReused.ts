/**
 * IdempotencyKeyReused: an idempotency key came back with a different call (other arguments,
 * another tool or another space) within its 24 h. Nothing was written; the first call stands.
 */
import { Schema } from "effect"

export class IdempotencyKeyReused extends Schema.TaggedError<IdempotencyKeyReused>()("IdempotencyKeyReused", {
  tool: Schema.String,
  firstTool: Schema.String
}) {
  override get message() {
    const where = this.firstTool === this.tool ? "with different arguments or in another space" : `by ${this.firstTool}`
    return `This idempotencyKey was already used ${where} within the last 24 hours, so this call was not run and nothing was written; the first call's result stands. A key names one call: to retry that call send exactly its arguments again, and for a new call use a new key.`
  }
}
