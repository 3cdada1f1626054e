/**
 * Cheap structural checks on parsed JSON-RPC values, shared by the `/mcp` request path (body
 * limits, scope check, plain answers) and the session machinery (routing, event store). Plain
 * property checks on purpose: the SDK's `isJSONRPC*` guards run a Zod parse, too much for every
 * message of every request; the SDK and the `Server` still validate what they receive.
 */
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/server"

export type { RequestId }

export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export const isRequestId = (value: unknown): value is RequestId =>
  typeof value === "string" || typeof value === "number"

/** Anything that says it is JSON-RPC 2.0 (the transports check the rest). */
export const isMessage = (value: unknown): value is JSONRPCMessage =>
  typeof value === "object" && value !== null && (value as { jsonrpc?: unknown }).jsonrpc === "2.0"

/** The tool a `tools/call` message names, if the message is one. */
/** The `arguments` record of a `tools/call` message, or undefined. */
export const toolCallArguments = (message: unknown): Readonly<Record<string, unknown>> | undefined => {
  if (!isRecord(message) || message["method"] !== "tools/call" || !isRecord(message["params"])) return undefined
  const args = message["params"]["arguments"]
  return isRecord(args) ? args : undefined
}

/** The id of a JSON-RPC message when it has a valid one, else null (answered under id null). */
export const requestIdOf = (message: unknown): string | number | null => {
  const id = isRecord(message) ? message["id"] : undefined
  return isRequestId(id) ? id : null
}

export const toolCallName = (message: unknown): string | undefined => {
  if (!isRecord(message) || message["method"] !== "tools/call") return undefined
  const params = message["params"]
  return isRecord(params) && typeof params["name"] === "string" ? params["name"] : undefined
}
