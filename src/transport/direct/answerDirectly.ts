/**
 * Runs a direct read call (`directReadCall.ts`) through the same invoke pipeline as every tool
 * call — admission, policy gate, audit, metrics, the `ToolCalls` fiber set — and answers it
 * without an SDK `Server`. A read tool never asks the client anything, so its outcome is a
 * result; the other outcomes are still answered as the SDK would, for safety.
 */
import { ProtocolErrorCode } from "@modelcontextprotocol/server"
import { Effect } from "effect"
import type { CallerShape } from "../../domain/Caller.ts"
import { noConfirmationRound } from "../../policy/Confirmation.ts"
import type { RequestId } from "../http/jsonRpc.ts"
import type { RunInvoke } from "../mcpServer.ts"
import { unconfirmedOutcomeMessage } from "../ToolCalls.ts"
import { makeDirectAnswer } from "./directAnswer.ts"
import type { DirectReadCall } from "./directReadCall.ts"

const errorAnswer = (id: RequestId, code: number, message: string) =>
  Response.json({ jsonrpc: "2.0", id, error: { code, message } })

export const makeAnswerDirectly = (runInvoke: RunInvoke) => {
  const answer = makeDirectAnswer()
  return (call: DirectReadCall, caller: CallerShape): Effect.Effect<Response> =>
    Effect.map(
      Effect.either(Effect.tryPromise(() =>
        runInvoke(call.name, call.args, {
          ...caller,
          ...(call.clientName === undefined ? {} : { clientName: call.clientName }),
          ...(call.traceparent === undefined ? {} : { traceparent: call.traceparent })
        }, noConfirmationRound)
      )),
      (settled) => {
        // Rejected only when shutdown cut the call: its outcome is unconfirmed, as on the SDK path.
        if (settled._tag === "Left") {
          return errorAnswer(
            call.id,
            ProtocolErrorCode.InternalError,
            unconfirmedOutcomeMessage
          )
        }
        const outcome = settled.right
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
    )
}
