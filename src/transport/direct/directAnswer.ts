/**
 * The HTTP answer of a direct read call (`directReadCall.ts`), byte for byte what the SDK's
 * per-request transport sends for the same result — `{"result":…,"jsonrpc":"2.0","id":…}` with
 * `resultType: "complete"` and the server identity in `_meta` — without the SDK's zod validation
 * of a result the gateway built itself. The `result` JSON is kept per `ToolResult`: a read of an
 * unchanged table returns the same result object (`makeSuccessResult`), so its bytes are
 * serialised once per table state and only the request id is spliced in per call.
 */
import { SERVER_INFO_META_KEY } from "@modelcontextprotocol/server"
import type { ToolResult } from "../../tools/kit/toolResult.ts"
import type { RequestId } from "../http/jsonRpc.ts"
import { serverInfo } from "../mcpServer.ts"

const resultMeta = { [SERVER_INFO_META_KEY]: serverInfo }
const jsonHeaders = { "content-type": "application/json" }

/** The JSON of a `tools/call` result as the SDK's `Server` completes it for the 2026-07-28 era. */
const resultJson = (result: ToolResult): string =>
  JSON.stringify({
    content: result.content,
    ...(result.structuredContent === undefined ? {} : { structuredContent: result.structuredContent }),
    ...(result.isError === true ? { isError: true } : {}),
    resultType: "complete",
    _meta: resultMeta
  })

export const makeDirectAnswer = () => {
  const serialised = new WeakMap<ToolResult, string>()
  return (id: RequestId, result: ToolResult): Response => {
    let json = serialised.get(result)
    if (json === undefined) {
      json = resultJson(result)
      serialised.set(result, json)
    }
    return new Response(`{"result":${json},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`, { headers: jsonHeaders })
  }
}
