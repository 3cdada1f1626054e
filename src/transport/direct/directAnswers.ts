/**
 * What `McpEndpoint` asks of `direct/`: for a request that passed every check, the answer made
 * without an SDK `Server`, or `undefined` to go the SDK's way. In the 2026-07-28 era a plain
 * `tools/call` of any tool that never asks the client (reads and writes; a destructive call may
 * need a confirmation round) and a plain `tools/list`; on a 2025 session a plain read (a write's
 * answer goes on the SSE stream that survives a cut connection), decided once the session is
 * found. The conformance fixtures never come here.
 */
import { Effect } from "effect"
import type { CallerShape } from "../../domain/Caller.ts"
import type { PolicyHint } from "../../domain/PolicyHint.ts"
import type { RequestRoute } from "../http/requestEra.ts"
import { wantsWarnings } from "../legacy/logLevels.ts"
import { makeAnswerDirectly, type RunRead } from "./answerDirectly.ts"
import { directToolCallOf, directToolsListOf, legacyReadCallOf } from "./directToolCall.ts"
import { makeToolsListAnswer } from "./toolsListAnswer.ts"

/** The part of a 2025 session a direct answer needs. */
export interface DirectSessionView {
  readonly transport: { readonly sessionId?: string | undefined }
  readonly server: { readonly getClientVersion: () => { readonly name: string } | undefined }
  readonly logLevel: string | undefined
}

export const makeDirectAnswers = (options: {
  readonly hintOf: (tool: string) => PolicyHint | undefined
  readonly contextTools: ReadonlySet<string>
  readonly run: RunRead
  readonly toolsFor: (granted: ReadonlyArray<string> | undefined) => ReadonlyArray<unknown>
  readonly count: (era: "legacy" | "modern", method: "tools/call" | "tools/list") => void
}) => {
  const { contextTools, hintOf } = options
  const neverAsks = (name: string) => {
    const hint = hintOf(name)
    return hint !== undefined && hint !== "destructive" && !contextTools.has(name)
  }
  const isRead = (name: string) => hintOf(name) === "read" && !contextTools.has(name)
  const modernCall = makeAnswerDirectly(options.run, "modern")
  const legacyCall = makeAnswerDirectly(options.run, "legacy")
  const toolsList = makeToolsListAnswer()

  return {
    /** A 2026-07-28 POST's direct answer, if it has one. */
    modern: (
      request: Request,
      route: RequestRoute,
      parsedBody: unknown,
      caller: CallerShape
    ): Effect.Effect<Response> | undefined => {
      const call = directToolCallOf(request, route, parsedBody, neverAsks)
      if (call !== undefined) {
        options.count("modern", "tools/call")
        return modernCall(call, caller)
      }
      const listId = directToolsListOf(request, route, parsedBody)
      if (listId === undefined) return undefined
      options.count("modern", "tools/list")
      return Effect.sync(() => toolsList(listId, options.toolsFor(caller.principal.scopes)))
    },
    /** A 2025 POST's direct answer once its session is found, if it can have one. */
    legacy: (
      parsedBody: unknown,
      caller: CallerShape
    ): ((session: DirectSessionView) => Effect.Effect<Response>) | undefined => {
      const read = legacyReadCallOf(parsedBody, isRead)
      if (read === undefined) return undefined
      return (session) => {
        options.count("legacy", "tools/call")
        return legacyCall(read, caller, {
          sessionId: session.transport.sessionId ?? "",
          clientName: session.server.getClientVersion()?.name,
          wantsWarnings: wantsWarnings(session.logLevel)
        })
      }
    }
  }
}
