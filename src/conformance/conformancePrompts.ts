/**
 * The MCP conformance suites' fixture prompts (`test_simple_prompt`, `test_prompt_with_arguments`,
 * `test_prompt_with_embedded_resource`, `test_prompt_with_image`) and the completion of
 * `test_prompt_with_arguments`'s `arg1`, registered only with MCP_CONFORMANCE_FIXTURES=true, so the
 * prompts and completion scenarios run against the same surface the Mana prompts use.
 */
import type { McpPromptDescriptor, PromptResult } from "../prompts/promptResult.ts"

// A 1×1 transparent PNG.
const pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

export const conformancePromptDescriptors: ReadonlyArray<McpPromptDescriptor> = [
  {
    name: "test_simple_prompt",
    title: "Simple test prompt",
    description: "A simple prompt without arguments",
    arguments: []
  },
  {
    name: "test_prompt_with_arguments",
    title: "Prompt with arguments",
    description: "A prompt with two required arguments",
    arguments: [
      { name: "arg1", description: "First test argument", required: true },
      { name: "arg2", description: "Second test argument", required: true }
    ]
  },
  {
    name: "test_prompt_with_embedded_resource",
    title: "Prompt with an embedded resource",
    description: "A prompt that embeds a resource",
    arguments: [{ name: "resourceUri", description: "URI of the resource to embed", required: true }]
  },
  {
    name: "test_prompt_with_image",
    title: "Prompt with an image",
    description: "A prompt with an image",
    arguments: []
  }
]

const text = (value: string) => ({ role: "user" as const, content: { type: "text" as const, text: value } })

/** The fixture prompt `name` for `args`, or undefined when it is not a fixture. */
export const conformancePrompt = (
  name: string,
  args: Readonly<Record<string, string>>
): PromptResult | undefined => {
  switch (name) {
    case "test_simple_prompt":
      return { description: "A simple prompt", messages: [text("This is a simple prompt for testing.")] }
    case "test_prompt_with_arguments":
      return {
        description: "A prompt with arguments",
        messages: [text(`Prompt with arguments: arg1='${args["arg1"] ?? ""}', arg2='${args["arg2"] ?? ""}'`)]
      }
    case "test_prompt_with_embedded_resource": {
      const uri = args["resourceUri"] ?? "test://example-resource"
      return {
        description: "A prompt with an embedded resource",
        messages: [
          {
            role: "user",
            content: {
              type: "resource",
              resource: { uri, mimeType: "text/plain", text: "Embedded resource content for testing." }
            }
          },
          text("Please process the embedded resource above.")
        ]
      }
    }
    case "test_prompt_with_image":
      return {
        description: "A prompt with an image",
        messages: [
          { role: "user", content: { type: "image", data: pixel, mimeType: "image/png" } },
          text("Please analyze the image above.")
        ]
      }
    default:
      return undefined
  }
}

/** Completion values of fixture prompt arguments, or undefined when not a fixture's. */
export const conformanceCompletion = (prompt: string, argument: string): ReadonlyArray<string> | undefined =>
  prompt === "test_prompt_with_arguments" && argument === "arg1" ? ["paris", "park", "party"] : undefined
