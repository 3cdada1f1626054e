/**
 * `definePrompt`: a prompt's spec as the catalog holds it. Arguments are decoded as tools' are —
 * unknown names refused, every problem listed with what is accepted (≤ 10 problems, ≤ 2 KB) —
 * and defaults applied, so `build` only ever sees typed, valid values.
 */
import { Effect, Schema } from "effect"
import { maxListedIssues, renderIssue, renderIssues } from "../tools/kit/input/InputIssue.ts"
import { inputIssuesOf } from "../tools/kit/input/inputIssues.ts"
import { PromptFailed } from "./PromptFailed.ts"
import type { Prompt, PromptSpec } from "./PromptSpec.ts"

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export const definePrompt = <A extends { readonly space?: string | undefined }>(spec: PromptSpec<A>): Prompt => {
  const decode = Schema.decodeUnknown(spec.input, { errors: "all", onExcessProperty: "error" })
  const names = spec.arguments.map((argument) => argument.name)
  const invalid = (issues: ReadonlyArray<string>, unlisted: number) =>
    new PromptFailed({
      prompt: spec.name,
      reason: "invalid-arguments",
      detail: renderIssues(
        `prompt ${spec.name}`,
        issues,
        unlisted,
        `Accepted arguments (all optional): ${names.length === 0 ? "none" : names.join(", ")}.`
      )
    })
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    arguments: spec.arguments,
    prepare: (args) => {
      const given = args === undefined ? {} : args
      if (!isRecord(given)) return Effect.fail(invalid(["(arguments): must be an object of strings"], 0))
      // An empty string is how several clients send an argument the user left blank: not given.
      const present = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== ""))
      return decode(present).pipe(
        Effect.mapError((error) => {
          const { issues, skipped } = inputIssuesOf(error, maxListedIssues)
          return invalid(issues.map(renderIssue), skipped)
        }),
        Effect.map((decoded) => ({ space: decoded.space, build: (context) => spec.build(decoded, context) }))
      )
    }
  }
}
