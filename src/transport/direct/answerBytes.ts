/**
 * The bytes of a JSON-RPC answer whose result is kept: `{"result":<kept>,"jsonrpc":"2.0","id":`
 * encoded once per kept result (`headOf`), then per call only the id and the closing brace are
 * encoded and appended — a copy of the kept bytes instead of serialising and encoding them again.
 */
import type { RequestId } from "../http/jsonRpc.ts"

const encoder = new TextEncoder()

// The answer in the SDK's key order; split before the id, the one part that changes per call.
const headText = (resultJson: string) => `{"result":${resultJson},"jsonrpc":"2.0","id":`
const tailText = (id: RequestId) => `${JSON.stringify(id)}}`

/** The whole answer as text (an SSE event carries it that way). */
export const answerJson = (resultJson: string, id: RequestId): string => headText(resultJson) + tailText(id)

export const headOf = (resultJson: string): Uint8Array => encoder.encode(headText(resultJson))

export const answerBytes = (head: Uint8Array, id: RequestId): Uint8Array<ArrayBuffer> => {
  const tail = encoder.encode(tailText(id))
  const body = new Uint8Array(head.length + tail.length)
  body.set(head)
  body.set(tail, head.length)
  return body
}
