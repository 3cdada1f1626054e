/**
 * A 2025 session's direct read that carries policy warnings: answered as the session's plain
 * answer becomes when its call sends something first (`legacy/plainAnswers.ts`) — an SSE body
 * with one `notifications/message` (level `warning`, logger `mana-mcp/policy`) per warning, then
 * the result, without event ids. Everything is in hand, so the body is written at once.
 */
import type { ToolResult } from "../../tools/kit/toolResult.ts"
import type { RequestId } from "../http/jsonRpc.ts"
import { sseFrame, sseHeaders } from "../legacy/sseFrames.ts"
import { answerJson } from "./answerBytes.ts"
import { resultJson } from "./directAnswer.ts"

export const warningStream = (
  id: RequestId,
  result: ToolResult,
  warnings: ReadonlyArray<string>,
  headers: Readonly<Record<string, string>>
): Response => {
  const notices = warnings.map((warning) =>
    sseFrame(JSON.stringify({
      jsonrpc: "2.0",
      method: "notifications/message",
      params: { level: "warning", data: warning, logger: "mana-mcp/policy" }
    }))
  )
  const answer = sseFrame(answerJson(resultJson(result, "legacy"), id))
  return new Response([...notices, answer].join(""), {
    headers: { ...sseHeaders, ...headers }
  })
}
