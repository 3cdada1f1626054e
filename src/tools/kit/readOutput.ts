/**
 * A read tool's answer as data, for the gateway's own surfaces that call read tools through the
 * invoke pipeline (prompts, resources): the tool's structured output, or the text of its
 * failure (and the tag of its typed error, e.g. `RecordNotFound`), or that the call was not a
 * plain read at all (an unknown tool, a confirmation round). Each surface words its own error.
 */
import type { InvokeOutcome } from "./invoke.ts"

export type ReadOutput =
  | { readonly _tag: "Output"; readonly output: Readonly<Record<string, unknown>> }
  | { readonly _tag: "Failed"; readonly text: string; readonly failure: string | undefined }
  | { readonly _tag: "NotARead" }

export const readOutputOf = (outcome: InvokeOutcome): ReadOutput => {
  if (outcome._tag !== "Result") return { _tag: "NotARead" }
  const { content, isError, structuredContent } = outcome.result
  return isError !== true && structuredContent !== undefined
    ? { _tag: "Output", output: structuredContent }
    : { _tag: "Failed", text: content.map((block) => block.text).join(" "), failure: outcome.failure }
}
