/**
 * A top-level `__proto__` in `tools/call` arguments, refused before the MCP SDK sees the message.
 * The SDK validates `arguments` as a Zod record, which copies it into a fresh object and skips a
 * `__proto__` key on purpose, so by the time a tool decodes its input the key is gone and the call
 * would run on what is left. Nested ones survive the copy and are refused by the tool's input
 * check (`tools/kit/input/inputShape.ts`); this refuses the top-level one with the same words, as a
 * JSON-RPC invalid-params error under the request's id (like `requestLimits.ts`' bounds).
 */
import { jsonResponse } from "./httpResponses.ts"
import { isRecord, isRequestId } from "./jsonRpc.ts"

const hasTopLevelProto = (message: unknown) => {
  if (!isRecord(message) || message["method"] !== "tools/call" || !isRecord(message["params"])) return false
  const args = message["params"]["arguments"]
  // JSON.parse makes `__proto__` an own data property; the prototype itself is untouched.
  return isRecord(args) && Object.hasOwn(args, "__proto__")
}

/** A JSON-RPC error answer when a tools/call names `__proto__` at the top of its arguments, else undefined. */
export const refuseReservedArguments = (body: unknown): Response | undefined => {
  const messages = Array.isArray(body) ? body : [body]
  const offending = messages.find(hasTopLevelProto)
  if (offending === undefined) return undefined
  const error = {
    code: -32602,
    message:
      "Invalid params: __proto__: is a refused property name (__proto__ is reserved); accepted: property names other than __proto__, constructor and prototype. Send the tool's own properties only (tools/list lists them)."
  }
  const id = isRecord(offending) && isRequestId(offending["id"]) ? offending["id"] : null
  return Array.isArray(body)
    ? jsonResponse(400, { jsonrpc: "2.0", id: null, error })
    : jsonResponse(200, { jsonrpc: "2.0", id, error })
}
