/**
 * The MCP shapes of the prompt surface, as the gateway produces them: `prompts/list` entries
 * (every argument optional) and `prompts/get` results. Pure data.
 */
import type { Prompt } from "./PromptSpec.ts"

export interface McpPromptDescriptor {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly arguments: ReadonlyArray<{ readonly name: string; readonly description: string; readonly required: boolean }>
}

export type PromptContent =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image"; readonly data: string; readonly mimeType: string }
  | {
    readonly type: "resource"
    readonly resource: { readonly uri: string; readonly mimeType: string; readonly text: string }
  }

export interface PromptResult {
  readonly description: string
  readonly messages: ReadonlyArray<{ readonly role: "user" | "assistant"; readonly content: PromptContent }>
}

export const descriptorOf = (prompt: Prompt): McpPromptDescriptor => ({
  name: prompt.name,
  title: prompt.title,
  description: prompt.description,
  arguments: prompt.arguments.map((argument) => ({
    name: argument.name,
    description: argument.description,
    required: false
  }))
})

/** One user message: what the gateway's prompts return. */
export const userMessage = (description: string, text: string): PromptResult => ({
  description,
  messages: [{ role: "user", content: { type: "text", text } }]
})
