/**
 * `prompts/get` for the gateway's prompts: decode the arguments, settle the space, then build
 * the message with reads that go through the invoke pipeline exactly as an agent's tool calls do
 * (policy gate, rate limit, audit line, decryption, a zero-knowledge user's error). A read that
 * fails ends the prompt with the tool's own message.
 */
import { Effect } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import { todayUtc } from "../tools/kit/fields/dates.ts"
import type { InvokeOutcome } from "../tools/kit/invoke.ts"
import { readOutputOf } from "../tools/kit/readOutput.ts"
import { PromptFailed } from "./PromptFailed.ts"
import { type PromptResult, userMessage } from "./promptResult.ts"
import { promptSpace } from "./promptSpace.ts"
import type { Prompt } from "./PromptSpec.ts"

export type InvokeFn<R> = (
  name: string,
  args: unknown,
  caller: CallerShape
) => Effect.Effect<InvokeOutcome, never, R>

const readThrough = <R>(prompt: string, invoke: InvokeFn<R>, caller: CallerShape) =>
(
  tool: string,
  args: Readonly<Record<string, unknown>>
): Effect.Effect<Readonly<Record<string, unknown>>, PromptFailed, R> =>
  Effect.flatMap(invoke(tool, args, caller), (outcome) => {
    const read = readOutputOf(outcome)
    if (read._tag === "Output") return Effect.succeed(read.output)
    const detail = read._tag === "Failed"
      ? read.text || `${tool} failed`
      : `${tool} is not a plain read; this is a gateway bug`
    return Effect.fail(new PromptFailed({ prompt, reason: "read-failed", detail }))
  })

export const makeGetPrompt = <R>(prompts: ReadonlyArray<Prompt>, invoke: InvokeFn<R>) => {
  const byName = new Map(prompts.map((prompt) => [prompt.name, prompt]))
  return (name: string, args: unknown, caller: CallerShape) =>
    Effect.gen(function*() {
      const prompt = byName.get(name)
      if (prompt === undefined) return yield* new PromptFailed({ prompt: name, reason: "unknown-prompt", detail: "" })
      const prepared = yield* prompt.prepare(args)
      const space = yield* promptSpace(name, caller, prepared.space)
      const reader = { ...caller, spaceId: space.id }
      const today = yield* todayUtc
      const text = yield* prepared.build({ read: readThrough(name, invoke, reader), today, spaceName: space.name })
      return userMessage(prompt.description, text) satisfies PromptResult
    }).pipe(Effect.withSpan("mcp.prompts.get", { captureStackTrace: false }))
}
