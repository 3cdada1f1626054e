/**
 * The HTTP answer of a direct read call (`directToolCall.ts`), byte for byte what the SDK sends
 * for the same result — `{"result":…,"jsonrpc":"2.0","id":…}`; in the 2026-07-28 era with
 * `resultType: "complete"` and the server identity in `_meta` as the SDK's `Server` completes it,
 * for a 2025 session as its plain answer (`legacy/plainAnswers.ts`) — without the SDK's zod
 * validation of a result the gateway built itself. The answer's UTF-8 bytes up to the id are
 * kept per `ToolResult`: a read of an unchanged table returns the same result object
 * (`makeSuccessResult`), so it is serialised and encoded once per table state, and a call only
 * copies those bytes and appends its own id.
 */
import { SERVER_INFO_META_KEY } from "@modelcontextprotocol/server"
import type { ToolResult } from "../../tools/kit/toolResult.ts"
import type { RequestId } from "../http/jsonRpc.ts"
import { serverInfo } from "../mcpServer.ts"
import { answerBytes, headOf } from "./answerBytes.ts"

export type DirectEra = "modern" | "legacy"

const resultMeta = { [SERVER_INFO_META_KEY]: serverInfo }

/** The JSON of a `tools/call` result as the SDK answers it in `era`. */
export const resultJson = (result: ToolResult, era: DirectEra): string =>
  JSON.stringify({
    content: result.content,
    ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
    ...(result.isError === true ? { isError: true } : {}),
    ...(era === "modern" ? { resultType: "complete", _meta: resultMeta } : {})
  })

/** The content type each era's SDK path answers with (`Response.json` adds the charset). */
export const jsonContentType = (era: DirectEra) =>
  era === "modern" ? "application/json" : "application/json;charset=utf-8"

export const makeDirectAnswer = (era: DirectEra) => {
  const heads = new WeakMap<ToolResult, Uint8Array>()
  const contentType = jsonContentType(era)
  return (id: RequestId, result: ToolResult, headers: Readonly<Record<string, string>> = {}): Response => {
    let head = heads.get(result)
    if (head === undefined) {
      head = headOf(resultJson(result, era))
      heads.set(result, head)
    }
    return new Response(answerBytes(head, id), { headers: { "content-type": contentType, ...headers } })
  }
}
