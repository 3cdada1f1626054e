/**
 * CallKey: the idempotency key of the running create call, provided by `withIdempotencyKey` only
 * when the agent sent one, so `newRecordId` can derive record ids from it.
 */
import { Context } from "effect"

export class CallKey extends Context.Tag("mana-mcp/CallKey")<CallKey, { readonly key: string }>() {}
