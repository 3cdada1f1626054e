/**
 * A top-level `__proto__` in `tools/call` arguments, refused before the MCP SDK sees the message.
 * The SDK validates `arguments` as a Zod record, which copies it into a fresh object and skips a
 * `__proto__` key on purpose, so by the time a tool decodes its input the key is gone and the call
 * would run on what is left. Nested ones survive the copy and are refused by the tool's input
 * check (`tools/kit/input/inputShape.ts`); this refuses the top-level one with the same words, as a
 * JSON-RPC invalid-params error under the request's id (like `requestLimits.ts`' bounds).
 */
import { ReservedArgument } from "./HttpFailure.ts"
import { requestIdOf, toolCallArguments } from "./jsonRpc.ts"

// JSON.parse makes `__proto__` an own data property; the prototype itself is untouched.
const hasTopLevelProto = (message: unknown) => {
  const args = toolCallArguments(message)
  return args !== undefined && Object.hasOwn(args, "__proto__")
}

/** The refusal when a tools/call names `__proto__` at the top of its arguments, else undefined (answered in http/httpErrors.ts). */
export const refuseReservedArguments = (body: unknown): ReservedArgument | undefined => {
  const messages = Array.isArray(body) ? body : [body]
  const offending = messages.find(hasTopLevelProto)
  return offending === undefined
    ? undefined
    : new ReservedArgument({ batch: Array.isArray(body), id: requestIdOf(offending) })
}
