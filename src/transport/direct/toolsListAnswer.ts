/**
 * A plain 2026-07-28 `tools/list` answered without an SDK `Server`: the tools the token's grant
 * may see (`grantedTools.ts`, one list per grant), with the cache hint and server identity the
 * SDK's `Server` adds — the same bytes (`test/e2e/directReads.test.ts`). The list is ~90 KB of
 * JSON Schemas; its bytes are kept per grant's list and only the request id is appended.
 */
import { SERVER_INFO_META_KEY } from "@modelcontextprotocol/server"
import type { RequestId } from "../http/jsonRpc.ts"
import { grantedListTtlMs, serverInfo } from "../mcpServer.ts"
import { answerBytes, headOf } from "./answerBytes.ts"

export const makeToolsListAnswer = () => {
  const heads = new WeakMap<ReadonlyArray<unknown>, Uint8Array>()
  return (id: RequestId, tools: ReadonlyArray<unknown>): Response => {
    let head = heads.get(tools)
    if (head === undefined) {
      const result = JSON.stringify({
        tools,
        resultType: "complete",
        ttlMs: grantedListTtlMs,
        cacheScope: "private",
        _meta: { [SERVER_INFO_META_KEY]: serverInfo }
      })
      head = headOf(result)
      heads.set(tools, head)
    }
    return new Response(answerBytes(head, id), { headers: { "content-type": "application/json" } })
  }
}
