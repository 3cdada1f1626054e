/**
 * `prompts/get` and `completion/complete` on an SDK `Server`, for both eras: the caller comes from
 * the HTTP request that carries each call, as for tools; a prompt that cannot be built answers
 * JSON-RPC invalid params with the reason (bad arguments named, or the read's own refusal).
 */
import {
  type CompleteResult,
  type GetPromptResult,
  ProtocolError,
  ProtocolErrorCode,
  type Server,
  type ServerContext
} from "@modelcontextprotocol/server"
import type { CallerShape } from "../domain/Caller.ts"
import type { PromptSurface } from "../prompts/promptSurface.ts"

const noCaller = () => new ProtocolError(ProtocolErrorCode.InternalError, "No authenticated caller")

export const wirePrompts = (
  server: Server,
  prompts: PromptSurface,
  callerOf: (ctx: ServerContext) => CallerShape | undefined
) => {
  server.setRequestHandler("prompts/get", async (request, ctx): Promise<GetPromptResult> => {
    const caller = callerOf(ctx)
    // The transport always attaches a caller; its absence is a wiring bug, not a client error.
    if (caller === undefined) throw noCaller()
    const answer = await prompts.get(request.params.name, request.params.arguments, caller)
    if (answer._tag === "Left") throw new ProtocolError(ProtocolErrorCode.InvalidParams, answer.left.message)
    return {
      description: answer.right.description,
      messages: answer.right.messages.map((message) => ({
        role: message.role,
        content: message.content.type === "resource"
          ? { type: "resource", resource: { ...message.content.resource } }
          : { ...message.content }
      }))
    }
  })
  server.setRequestHandler("completion/complete", async (request, ctx): Promise<CompleteResult> => {
    const caller = callerOf(ctx)
    if (caller === undefined) throw noCaller()
    const ref = request.params.ref
    const answer = await prompts.complete(
      ref.type === "ref/prompt" ? { type: "ref/prompt", name: ref.name } : { type: "ref/resource", uri: ref.uri },
      request.params.argument,
      caller
    )
    return { completion: { values: [...answer.values], total: answer.total, hasMore: answer.hasMore } }
  })
}
