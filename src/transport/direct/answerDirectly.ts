/**
 * Runs a direct read call (`directReadCall.ts`) through the same invoke pipeline as every tool
 * call — admission, policy gate, audit, metrics, the `ToolCalls` fiber set — and answers it
 * without an SDK `Server`. A read tool never asks the client anything, so its outcome is a
 * result; the other outcomes are still answered as the SDK would, for safety.
 */
import { ProtocolErrorCode } from "@modelcontextprotocol/server"
import { Effect, Exit } from "effect"
import type { CallerShape } from "../../domain/Caller.ts"
import type { InvokeOutcome } from "../../tools/kit/invoke.ts"
import type { RequestId } from "../http/jsonRpc.ts"
import { unconfirmedOutcomeMessage } from "../ToolCalls.ts"
import { makeDirectAnswer } from "./directAnswer.ts"
import type { DirectReadCall } from "./directReadCall.ts"

/** Runs a read call as a fiber of the endpoint's `ToolCalls` (admission included); its exit. */
export type RunRead = (name: string, args: unknown, caller: CallerShape) => Effect.Effect<Exit.Exit<InvokeOutcome>>

const errorAnswer = (id: RequestId, code: number, message: string) =>
  Response.json({ jsonrpc: "2.0", id, error: { code, message } })

export const makeAnswerDirectly = (runRead: RunRead) => {
  const answer = makeDirectAnswer()
  const answerOf = (call: DirectReadCall, exit: Exit.Exit<InvokeOutcome>): Response => {
    // A call fails only when shutdown cut it: its outcome is unconfirmed, as on the SDK path.
    if (Exit.isFailure(exit)) return errorAnswer(call.id, ProtocolErrorCode.InternalError, unconfirmedOutcomeMessage)
    const outcome = exit.value
    switch (outcome._tag) {
      case "Result":
        return answer(call.id, outcome.result)
      case "UnknownTool":
        return errorAnswer(
          call.id,
          ProtocolErrorCode.InvalidParams,
          `Unknown tool: ${outcome.name}. Call tools/list for the available tools.`
        )
      case "ConfirmationRequired":
        return errorAnswer(call.id, ProtocolErrorCode.InternalError, "A read asked for a confirmation")
    }
  }
  return (call: DirectReadCall, caller: CallerShape): Effect.Effect<Response> =>
    Effect.map(
      runRead(call.name, call.args, {
        ...caller,
        ...(call.clientName === undefined ? {} : { clientName: call.clientName }),
        ...(call.traceparent === undefined ? {} : { traceparent: call.traceparent })
      }),
      (exit) => answerOf(call, exit)
    )
}
