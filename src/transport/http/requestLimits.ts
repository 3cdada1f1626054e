/**
 * Structural limits on a parsed `/mcp` message, checked before the MCP SDK validates it. The SDK
 * copies every key of `tools/call` arguments while validating (twice), so an argument object with
 * hundreds of thousands of keys cost seconds of CPU before a tool could refuse it. No tool takes
 * more than a few dozen properties; counting stops at the bound, so the check costs O(bound).
 */
import { maxInputDepth } from "../../tools/kit/input/inputShape.ts"
import type { ScanTrip } from "./bodyScan.ts"
import { ArgumentsOversized, BatchUnsupported, MessageTooDeep } from "./HttpFailure.ts"
import { isRequestId, requestIdOf, toolCallArguments } from "./jsonRpc.ts"
import { maxArgumentProperties, maxMessageDepth } from "./messageLimits.ts"

export { maxArgumentProperties, maxMessageDepth } from "./messageLimits.ts"

/** The protocol versions that had JSON-RPC batches; 2025-06-18 removed them. */
const batchingVersions = new Set(["2024-11-05", "2025-03-26"])

/**
 * 400 for a JSON-RPC batch sent under a protocol version without batches (named by the
 * `MCP-Protocol-Version` header; a request without it is taken as 2025-03-26, per the spec).
 */
export const refuseBatch = (request: Request, body: unknown): BatchUnsupported | undefined => {
  if (!Array.isArray(body)) return undefined
  const version = request.headers.get("mcp-protocol-version")
  if (version === null || batchingVersions.has(version)) return undefined
  return new BatchUnsupported({ version })
}

/** True when `value` has more than `max` own enumerable keys; stops counting at `max + 1`. */
const hasMoreKeysThan = (value: Readonly<Record<string, unknown>>, max: number) => {
  let count = 0
  for (const key in value) {
    if (Object.hasOwn(value, key) && ++count > max) return true
  }
  return false
}

const oversized = (message: unknown) => {
  const args = toolCallArguments(message)
  return args !== undefined && hasMoreKeysThan(args, maxArgumentProperties)
}

/**
 * A JSON-RPC error answer when a message breaks a limit, else undefined. A single request gets
 * its error under its own id (HTTP 200, as any JSON-RPC error), so the client's pending call ends.
 */
export const refuseOversized = (body: unknown): ArgumentsOversized | undefined => {
  const messages = Array.isArray(body) ? body : [body]
  const offending = messages.find(oversized)
  if (offending === undefined) return undefined
  return new ArgumentsOversized({
    limit: maxArgumentProperties,
    batch: Array.isArray(body),
    id: requestIdOf(offending)
  })
}

/**
 * The refusal of a body the scan stopped before it was parsed (`bodyScan.ts`): the same error as
 * `refuseOversized` for too many keys. The rest of the body is never read, so the connection closes.
 */
export const refuseScanned = (trip: ScanTrip): ArgumentsOversized | MessageTooDeep => {
  const id = isRequestId(trip.id) ? trip.id : null
  return trip._tag === "TooManyKeys"
    ? new ArgumentsOversized({ limit: maxArgumentProperties, batch: trip.batch, id, unread: true })
    : new MessageTooDeep({ limit: maxMessageDepth, toolLimit: maxInputDepth, batch: trip.batch, id })
}
