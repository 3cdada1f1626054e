/**
 * PromptSpec: what a prompt is — its name, the arguments it lists (all optional strings on the
 * wire, decoded to typed values by `input`, each possibly completed from the user's data) and a
 * `build` that reads the user's data through tools (`PromptContext.read`, the very tool path
 * agents use) and writes one message an LLM can act on. No I/O here.
 */
import type { Effect, Schema } from "effect"
import type { CompletionKind } from "../completions/CompletionKind.ts"
import type { PromptFailed } from "./PromptFailed.ts"

export interface PromptArgumentSpec {
  readonly name: string
  readonly description: string
  /** Which of the user's values `completion/complete` offers for this argument. */
  readonly completes?: CompletionKind
}

/** What a prompt's `build` may do: read through tools, and know the day and the space. */
export interface PromptContext<R> {
  /** Calls a read tool for the caller (policy gate, scopes, space, decryption); its structured output. */
  readonly read: (
    tool: string,
    args: Readonly<Record<string, unknown>>
  ) => Effect.Effect<Readonly<Record<string, unknown>>, PromptFailed, R>
  /** Today in UTC, `YYYY-MM-DD`, by the Effect clock. */
  readonly today: string
  /** The name of the space the prompt reads (the active one, or its `space` argument). */
  readonly spaceName: string
}

export interface PromptSpec<A extends { readonly space?: string | undefined }> {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly arguments: ReadonlyArray<PromptArgumentSpec>
  /** Decodes the wire arguments (strings; every one optional) to typed values with defaults applied. */
  readonly input: Schema.Schema<A, Readonly<Record<string, string | undefined>>>
  /** The text of the one user message the prompt returns. */
  readonly build: <R>(args: A, context: PromptContext<R>) => Effect.Effect<string, PromptFailed, R>
}

/** Arguments decoded: the space they name (if any) and the message still to build. */
export interface PreparedPrompt {
  readonly space: string | undefined
  readonly build: <R>(context: PromptContext<R>) => Effect.Effect<string, PromptFailed, R>
}

/** A prompt with its argument type erased, as the catalog holds it. */
export interface Prompt {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly arguments: ReadonlyArray<PromptArgumentSpec>
  /** Decodes the wire arguments; bad ones fail with `PromptFailed` naming each problem. */
  readonly prepare: (args: unknown) => Effect.Effect<PreparedPrompt, PromptFailed>
}
