/**
 * The MCP `CallToolResult` shapes the gateway produces: a success carries `structuredContent`
 * plus one text block with the same JSON (for clients that ignore structured content); an error
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

export const successResult = (output: unknown, reminder?: string): ToolResult => {
  const text = { type: "text", text: JSON.stringify(output, null, 2) } as const
  const content = reminder === undefined ? [text] : [text, { type: "text", text: reminder } as const]
  return isRecord(output) ? { content, structuredContent: output } : { content }
}

export const errorResult = (message: string): ToolResult => ({
  content: [{ type: "text", text: message }],
  isError: true
})
