/**
 * The tool registry: built once at start-up from the module barrel. It rejects duplicate names,
 * hides `scope: "admin"` tools from MCP entirely, and precomputes each exposed tool's MCP
 * descriptor (JSON Schemas, title, annotations) so no session or request recomputes them.
 */
import { Data, Effect } from "effect"
import type { PolicyHint } from "../../domain/PolicyHint.ts"
import type { JsonObject } from "./jsonSchema.ts"
import type { Tool } from "./ToolSpec.ts"

export class DuplicateToolName extends Data.TaggedError("DuplicateToolName")<{ readonly name: string }> {
  override get message() {
    return `Two tools are registered as "${this.name}"; tool names must be unique`
  }
}

export class InvalidToolName extends Data.TaggedError("InvalidToolName")<{ readonly name: string }> {
  override get message() {
    return `Tool name "${this.name}" is not a valid MCP tool name (1–128 of A–Z, a–z, 0–9, "_", "-", ".")`
  }
}

/** What `tools/list` returns for one tool, computed once. */
export interface McpToolDescriptor {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly inputSchema: JsonObject
  readonly outputSchema: JsonObject
  readonly annotations: {
    readonly title: string
    readonly readOnlyHint: boolean
    readonly destructiveHint: boolean
    readonly idempotentHint: boolean
    readonly openWorldHint: false
  }
}

export interface Registry<R> {
  /** Every tool, admin ones included (the policy gate still guards them: defense in depth). */
  readonly all: ReadonlyMap<string, Tool<R>>
  /** Tools an MCP client may see and call: never `scope: "admin"`. */
  readonly exposed: ReadonlyMap<string, Tool<R>>
  /** The `tools/list` payload, in registration order. */
  readonly descriptors: ReadonlyArray<McpToolDescriptor>
}

const annotationsFor = (hint: PolicyHint, title: string): McpToolDescriptor["annotations"] => ({
  title,
  readOnlyHint: hint === "read",
  destructiveHint: hint === "destructive",
  idempotentHint: hint === "read",
  openWorldHint: false
})

/** What MCP allows; our own `module.verb` convention is checked over the barrel in a test. */
const toolName = /^[A-Za-z0-9_.-]{1,128}$/

export const makeRegistry = <R>(
  tools: ReadonlyArray<Tool<R>>
): Effect.Effect<Registry<R>, DuplicateToolName | InvalidToolName> =>
  Effect.gen(function*() {
    const all = new Map<string, Tool<R>>()
    for (const tool of tools) {
      if (!toolName.test(tool.name)) return yield* new InvalidToolName({ name: tool.name })
      if (all.has(tool.name)) return yield* new DuplicateToolName({ name: tool.name })
      all.set(tool.name, tool)
    }
    const exposed = new Map([...all].filter(([, tool]) => tool.scope !== "admin"))
    const descriptors = [...exposed.values()].map((tool): McpToolDescriptor => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputJsonSchema,
      outputSchema: tool.outputJsonSchema,
      annotations: annotationsFor(tool.policyHint, tool.title)
    }))
    return { all, exposed, descriptors }
  })
