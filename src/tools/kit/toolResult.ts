/**
 * The MCP `CallToolResult` shapes the gateway produces: a success carries `structuredContent`
 * plus one text block for clients that ignore structured content — the compact JSON, or for a
 * large list a compact table of the same data (`summaryText.ts`); an error is `isError: true`
 * with one agent-readable text block. Pure constructors, no I/O.
 */
import { summaryText } from "./summaryText.ts"

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

export const successResult = (
  output: unknown,
  reminder?: string,
  text = summaryText(output, JSON.stringify(output))
): ToolResult => {
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
      text = summaryText(output, JSON.stringify(output))
      texts.set(output, text)
    }
    return successResult(output, reminder, text)
  }
}

export const errorResult = (message: string): ToolResult => ({
  content: [{ type: "text", text: message }],
  isError: true
})
