/**
 * Runs a direct tool call (`directToolCall.ts`) through the same invoke pipeline as every tool
 * call — admission, policy gate, audit, metrics, the `ToolCalls` fiber set — and answers it
 * without an SDK `Server`. Only tools that never ask the client anything come here, so the
 * outcome is a result; the other outcomes are still answered as the SDK would, for safety. Policy warnings
 * reach a 2025 session as its SDK server would send them (`warningStream.ts`); a 2026-07-28
 * call that could receive them never comes here (no log level in its envelope).
 */
import { ProtocolErrorCode } from "@modelcontextprotocol/server"
import { Effect, Exit } from "effect"
import type { CallerShape } from "../../domain/Caller.ts"
import type { InvokeOutcome } from "../../tools/kit/invoke.ts"
import type { RequestId } from "../http/jsonRpc.ts"
import { unconfirmedOutcomeMessage } from "../ToolCalls.ts"
import { type DirectEra, jsonContentType, makeDirectAnswer } from "./directAnswer.ts"
import type { DirectToolCall } from "./directToolCall.ts"
import { warningStream } from "./warningStream.ts"

/** Runs a read call as a fiber of the endpoint's `ToolCalls` (admission included); its exit. */
export type RunRead = (name: string, args: unknown, caller: CallerShape) => Effect.Effect<Exit.Exit<InvokeOutcome>>

/** What a 2025 session adds: its id (a header of every answer) and whether it takes warnings. */
export interface DirectSession {
  readonly sessionId: string
  readonly clientName: string | undefined
  readonly wantsWarnings: boolean
}

export const makeAnswerDirectly = (runRead: RunRead, era: DirectEra) => {
  const answer = makeDirectAnswer(era)
  const contentType = jsonContentType(era)
  const errorAnswer = (id: RequestId, code: number, message: string, headers: Record<string, string>) =>
    new Response(JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } }), {
      headers: { "content-type": contentType, ...headers }
    })

  const answerOf = (call: DirectToolCall, exit: Exit.Exit<InvokeOutcome>, session?: DirectSession): Response => {
    const headers: Record<string, string> = session === undefined ? {} : { "mcp-session-id": session.sessionId }
    // A call fails only when shutdown cut it: its outcome is unconfirmed, as on the SDK path.
    if (Exit.isFailure(exit)) {
      return errorAnswer(call.id, ProtocolErrorCode.InternalError, unconfirmedOutcomeMessage, headers)
    }
    const outcome = exit.value
    switch (outcome._tag) {
      case "Result": {
        const warnings = session?.wantsWarnings === true ? outcome.warnings ?? [] : []
        return warnings.length > 0
          ? warningStream(call.id, outcome.result, warnings, headers)
          : answer(call.id, outcome.result, headers)
      }
      case "UnknownTool":
        return errorAnswer(
          call.id,
          ProtocolErrorCode.InvalidParams,
          `Unknown tool: ${outcome.name}. Call tools/list for the available tools.`,
          headers
        )
      case "ConfirmationRequired":
        return errorAnswer(call.id, ProtocolErrorCode.InternalError, "A read asked for a confirmation", headers)
    }
  }

  return (call: DirectToolCall, caller: CallerShape, session?: DirectSession): Effect.Effect<Response> => {
    const clientName = session?.clientName ?? call.clientName
    return Effect.map(
      runRead(call.name, call.args, {
        ...caller,
        ...(session === undefined ? {} : { sessionId: session.sessionId }),
        ...(clientName === undefined ? {} : { clientName }),
        ...(call.traceparent === undefined ? {} : { traceparent: call.traceparent })
      }),
      (exit) => answerOf(call, exit, session)
    )
  }
}
