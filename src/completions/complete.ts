/**
 * `completion/complete`: which kind of value an argument takes (a prompt's argument spec, or a
 * resource template's variable: the record id of `mana://notes/{id}`, `mana://tasks/{id}`,
 * `mana://journal/{id}`), its values for the caller, ranked against what
 * was typed. Unknown prompts and arguments without completions answer no values, as the spec
 * allows; a caller's data never leaves their own active space or spaces.
 */
import { Effect } from "effect"
import { conformanceCompletion } from "../conformance/conformancePrompts.ts"
import type { CallerShape } from "../domain/Caller.ts"
import type { Prompt } from "../prompts/PromptSpec.ts"
import type { CompletionKind } from "./CompletionKind.ts"
import { completionValues } from "./completionValues.ts"
import { type CompletionAnswer, matchCompletions } from "./matchCompletions.ts"

export type CompletionRef =
  | { readonly type: "ref/prompt"; readonly name: string }
  | { readonly type: "ref/resource"; readonly uri: string }

const none: CompletionAnswer = { values: [], total: 0, hasMore: false }

/** The resource templates' variables (src/resources/resourceHandlers.ts) and the ids they complete to. */
export const resourceTemplateKinds: ReadonlyMap<string, CompletionKind> = new Map([
  ["mana://notes/{id}\u0000id", "note-id"],
  ["mana://tasks/{id}\u0000id", "task-id"],
  ["mana://journal/{id}\u0000id", "entry-id"]
])

export const makeComplete = (
  prompts: ReadonlyArray<Prompt>,
  options: { readonly conformanceFixtures?: boolean; readonly templateKinds?: ReadonlyMap<string, CompletionKind> } = {}
) => {
  const kinds = new Map<string, CompletionKind>()
  for (const prompt of prompts) {
    for (const argument of prompt.arguments) {
      if (argument.completes !== undefined) kinds.set(`${prompt.name}\u0000${argument.name}`, argument.completes)
    }
  }
  const kindOf = (ref: CompletionRef, argument: string): CompletionKind | undefined =>
    ref.type === "ref/prompt"
      ? kinds.get(`${ref.name}\u0000${argument}`)
      : (options.templateKinds ?? resourceTemplateKinds).get(`${ref.uri}\u0000${argument}`)
  return (ref: CompletionRef, argument: { readonly name: string; readonly value: string }, caller: CallerShape) => {
    if (options.conformanceFixtures === true && ref.type === "ref/prompt") {
      const fixture = conformanceCompletion(ref.name, argument.name)
      if (fixture !== undefined) return Effect.succeed(matchCompletions(fixture, argument.value))
    }
    const kind = kindOf(ref, argument.name)
    if (kind === undefined) return Effect.succeed(none)
    return Effect.map(completionValues(kind, caller), (values) => matchCompletions(values, argument.value)).pipe(
      Effect.withSpan("mcp.completion.complete", {
        captureStackTrace: false,
        attributes: { "mana.completion.kind": kind }
      })
    )
  }
}
