/**
 * `resources/read`: a resource is read by calling its read tool through the invoke pipeline
 * (`notes.get`, `journal.get`, `todo.get`, `habits.logs`), so it passes the same policy gate
 * (rate limit and audit line included), the same space and visibility rules, the same decryption
 * and the same zero-knowledge and vault errors as that tool call. The answer is the tool's
 * structured output for the record, as one JSON text content.
 */
import type { ReadResourceResult } from "@modelcontextprotocol/server"
import { Effect } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import type { InvokeOutcome } from "../tools/kit/invoke.ts"
import { readOutputOf } from "../tools/kit/readOutput.ts"
import { ResourceFailure } from "./ResourceErrors.ts"
import { contentOf, habitsToday, recordKindSpecs } from "./resourceKinds.ts"
import { acceptedUris, parseResourceUri, type ResourceRef } from "./resourceUris.ts"

/** Runs one read tool as the caller (the invoke pipeline, no confirmation round). */
export type RunReadTool = (
  name: string,
  args: Readonly<Record<string, unknown>>,
  caller: CallerShape
) => Effect.Effect<InvokeOutcome>

export const resourceMimeType = "application/json"

/** The resource `uri` names, or `NotFound` naming what is accepted. */
export const refOf = (uri: string): Effect.Effect<ResourceRef, ResourceFailure> => {
  const ref = parseResourceUri(uri)
  return ref === undefined
    ? Effect.fail(
      new ResourceFailure({ reason: "NotFound", uri, detail: `Resource not found: ${uri}. Accepted: ${acceptedUris}` })
    )
    : Effect.succeed(ref)
}

/** The structured output of read tool `tool` called with `args`, or why there is none (`uri` names it in errors). */
export const toolOutput = (
  run: RunReadTool,
  caller: CallerShape,
  uri: string,
  tool: string,
  args: Readonly<Record<string, unknown>>
) =>
  Effect.flatMap(run(tool, args, caller), (outcome) => {
    const read = readOutputOf(outcome)
    if (read._tag === "Output") return Effect.succeed(read.output)
    const text = read._tag === "Failed" ? read.text : `the read tool ${tool} is not available`
    // The tool's message already names the id and the list tool; only "not found" changes class.
    return Effect.fail(
      new ResourceFailure({
        reason: read._tag === "Failed" && read.failure === "RecordNotFound" ? "NotFound" : "Refused",
        uri,
        detail: `Reading ${uri} failed: ${text}`
      })
    )
  })

/** The read tool's structured output for `ref`. */
export const readStructured = (run: RunReadTool, caller: CallerShape, uri: string, ref: ResourceRef) =>
  ref.kind === "habits-today"
    ? toolOutput(run, caller, uri, habitsToday.readTool, habitsToday.readArgs)
    : toolOutput(run, caller, uri, recordKindSpecs[ref.kind].readTool, { id: ref.id })

export const readResource = (
  run: RunReadTool,
  caller: CallerShape,
  uri: string
): Effect.Effect<ReadResourceResult, ResourceFailure> =>
  Effect.gen(function*() {
    const ref = yield* refOf(uri)
    const output = yield* readStructured(run, caller, uri, ref)
    return { contents: [{ uri, mimeType: resourceMimeType, text: JSON.stringify(contentOf(ref, output)) }] }
  })
