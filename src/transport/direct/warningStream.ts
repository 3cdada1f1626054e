/**
 * A 2025 session's direct read that carries policy warnings: answered as the session's plain
 * answer becomes when its call sends something first (`legacy/plainAnswers.ts`) — an SSE body
 * with one `notifications/message` (level `warning`, logger `mana-mcp/policy`) per warning, then
 * the result, without event ids. Everything is in hand, so the body is written at once.
 */
import type { ToolResult } from "../../tools/kit/toolResult.ts"
import type { RequestId } from "../http/jsonRpc.ts"
import { resultJson } from "./directAnswer.ts"

const event = (json: string) => `event: message\ndata: ${json}\n\n`

export const warningStream = (
  id: RequestId,
  result: ToolResult,
  warnings: ReadonlyArray<string>,
  headers: Readonly<Record<string, string>>
): Response => {
  const notices = warnings.map((warning) =>
    event(JSON.stringify({
      jsonrpc: "2.0",
      method: "notifications/message",
      params: { level: "warning", data: warning, logger: "mana-mcp/policy" }
    }))
  )
  const answer = event(`{"result":${resultJson(result, "legacy")},"jsonrpc":"2.0","id":${JSON.stringify(id)}}`)
  return new Response([...notices, answer].join(""), {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      ...headers
    }
  })
}
