/**
 * The prompt and completion surface the MCP server factory wires: `prompts/list` descriptors,
 * `prompts/get` and `completion/complete`, each run in the Effect runtime and answered as a
 * settled value (never a rejected promise). With MCP_CONFORMANCE_FIXTURES the suites' fixture
 * prompts are listed after the Mana ones. Prompts read through `invoke` (the tool pipeline);
 * completions read the read cache directly (no policy gate: nothing is written, and a keystroke
 * must not spend the user's tool rate limit).
 */
import { Cause, Effect, Either, Exit, Option, Runtime } from "effect"
import type { SpaceDirectory } from "../auth/SpaceDirectory.ts"
import { type CompletionRef, makeComplete } from "../completions/complete.ts"
import type { CompletionAnswer } from "../completions/matchCompletions.ts"
import { conformancePrompt, conformancePromptDescriptors } from "../conformance/conformancePrompts.ts"
import type { CallerShape } from "../domain/Caller.ts"
import type { Crypto } from "../keys/Crypto.ts"
import type { MasterKeys } from "../keys/MasterKeys.ts"
import type { SyncClient } from "../sync/SyncClient.ts"
import { type InvokeFn, makeGetPrompt } from "./getPrompt.ts"
import { PromptFailed } from "./PromptFailed.ts"
import { descriptorOf, type McpPromptDescriptor, type PromptResult } from "./promptResult.ts"
import type { Prompt } from "./PromptSpec.ts"

export interface PromptSurface {
  readonly descriptors: ReadonlyArray<McpPromptDescriptor>
  readonly get: (name: string, args: unknown, caller: CallerShape) => Promise<Either.Either<PromptResult, PromptFailed>>
  readonly complete: (
    ref: CompletionRef,
    argument: { readonly name: string; readonly value: string },
    caller: CallerShape
  ) => Promise<CompletionAnswer>
}

const stringArgs = (args: unknown): Readonly<Record<string, string>> =>
  typeof args === "object" && args !== null
    ? Object.fromEntries(
      Object.entries(args).filter((entry): entry is [string, string] => typeof entry[1] === "string")
    )
    : {}

const emptyAnswer: CompletionAnswer = { values: [], total: 0, hasMore: false }

export const makePromptSurface = <R>(
  prompts: ReadonlyArray<Prompt>,
  invoke: InvokeFn<R>,
  options: { readonly conformanceFixtures?: boolean } = {}
) =>
  Effect.map(Effect.runtime<R | SpaceDirectory | SyncClient | MasterKeys | Crypto>(), (runtime): PromptSurface => {
    const fixtures = options.conformanceFixtures === true
    const getPrompt = makeGetPrompt(prompts, invoke)
    const complete = makeComplete(prompts, { conformanceFixtures: fixtures })
    const runExit = Runtime.runPromiseExit(runtime)
    return {
      descriptors: [...prompts.map(descriptorOf), ...(fixtures ? conformancePromptDescriptors : [])],
      get: async (name, args, caller) => {
        const fixture = fixtures ? conformancePrompt(name, stringArgs(args)) : undefined
        if (fixture !== undefined) return Either.right(fixture)
        const exit = await runExit(
          getPrompt(name, args, caller).pipe(
            Effect.tapDefect((cause) => Effect.logError("prompt defect", { prompt: name }, cause))
          )
        )
        return Exit.match(exit, {
          onSuccess: Either.right,
          onFailure: (cause) =>
            Either.left(Option.getOrElse(
              Cause.failureOption(cause),
              () => new PromptFailed({ prompt: name, reason: "read-failed", detail: "an internal gateway error" })
            ))
        })
      },
      complete: async (ref, argument, caller) => {
        const exit = await runExit(complete(ref, argument, caller))
        return Exit.isSuccess(exit) ? exit.value : emptyAnswer
      }
    }
  })
