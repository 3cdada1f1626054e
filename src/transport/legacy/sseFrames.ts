/**
 * How a 2025 session's plain answer looks once it becomes an SSE stream (`plainAnswers.ts`, and
 * the direct path's `direct/warningStream.ts`, which must send the same bytes): one `message`
 * event per JSON-RPC message, without event ids, under these headers.
 */
export const sseFrame = (json: string) => `event: message\ndata: ${json}\n\n`

export const sseHeaders = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no"
} as const
