/**
 * The MCP `CallToolResult` shapes the gateway produces: a success carries `structuredContent`
 * plus one text block with the same JSON, compact (no indentation: the spec asks for the text
 * block for clients that ignore structured content, and it should not double a large result
 * with whitespace); an error
 * is `isError: true` with one agent-readable text block. Pure constructors, no I/O.
 */
export interface TextBlock {
  readonly type: "text"
  readonly text: string
}

export interface ToolResult {
  readonly content: ReadonlyArray<TextBlock>
  readonly structuredContent?: Readonly<Record<string, unknown>>
  readonly isError?: boolean
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export const successResult = (output: unknown, reminder?: string, text = JSON.stringify(output)): ToolResult => {
  // Compact: the same JSON travels again as structuredContent, and indentation only costs CPU and bytes.
  const block = { type: "text", text } as const
  const content = reminder === undefined ? [block] : [block, { type: "text", text: reminder } as const]
  return isRecord(output) ? { content, structuredContent: output } : { content }
}

/**
 * `successResult` that serialises each output object once: tools that return the same (shared,
 * immutable) output for an unchanged table, like `habits.list`, pay `JSON.stringify` once per
 * change instead of once per call. Keyed weakly by the output object.
 */
export const makeSuccessResult = () => {
  const texts = new WeakMap<object, string>()
  return (output: unknown, reminder?: string): ToolResult => {
    if (typeof output !== "object" || output === null) return successResult(output, reminder)
    let text = texts.get(output)
    if (text === undefined) {
      text = JSON.stringify(output)
      texts.set(output, text)
    }
    return successResult(output, reminder, text)
  }
}

export const errorResult = (message: string): ToolResult => ({
  content: [{ type: "text", text: message }],
  isError: true
})
