/**
 * The bytes of a JSON-RPC answer whose result is kept: `{"result":<kept>,"jsonrpc":"2.0","id":`
 * encoded once per kept result (`headOf`), then per call only the id and the closing brace are
 * encoded and appended — a copy of the kept bytes instead of serialising and encoding them again.
 */
import type { RequestId } from "../http/jsonRpc.ts"

const encoder = new TextEncoder()

export const headOf = (resultJson: string): Uint8Array =>
  encoder.encode(`{"result":${resultJson},"jsonrpc":"2.0","id":`)

export const answerBytes = (head: Uint8Array, id: RequestId): Uint8Array<ArrayBuffer> => {
  const tail = encoder.encode(`${JSON.stringify(id)}}`)
  const body = new Uint8Array(head.length + tail.length)
  body.set(head)
  body.set(tail, head.length)
  return body
}
