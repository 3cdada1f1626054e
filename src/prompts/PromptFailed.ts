/**
 * Why `prompts/get` could not produce a prompt: its arguments were bad (each problem named), or a
 * read it needed was refused or failed (the tool's own message: scope, policy, zero-knowledge
 * data, an unknown space). The transport answers it as a JSON-RPC invalid-params error.
 */
import { Schema } from "effect"

export class PromptFailed extends Schema.TaggedError<PromptFailed>()("PromptFailed", {
  prompt: Schema.String,
  reason: Schema.Literal("invalid-arguments", "read-failed", "unknown-prompt"),
  detail: Schema.String
}) {
  override get message() {
    switch (this.reason) {
      case "unknown-prompt":
        return `Unknown prompt: ${this.prompt}. Call prompts/list for the available prompts.`
      case "invalid-arguments":
        return this.detail
      case "read-failed":
        return `Prompt ${this.prompt} could not read the user's data: ${this.detail}`
    }
  }
}
