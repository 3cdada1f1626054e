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
 * `successResult` that builds each output object's result once: tools that return the same
 * (shared, immutable) output for an unchanged table, like `habits.list`, pay `JSON.stringify` and
 * the summary once per change instead of once per call, and hand out the same `ToolResult`, so
 * the transport can keep its serialised bytes too (`transport/direct/directAnswer.ts`). Keyed
 * weakly by the output object; a result with a reminder is built per call (the reminder varies).
 */
export const makeSuccessResult = () => {
  const results = new WeakMap<object, ToolResult>()
  return (output: unknown, reminder?: string): ToolResult => {
    if (typeof output !== "object" || output === null) return successResult(output, reminder)
    let result = results.get(output)
    if (result === undefined) {
      result = successResult(output)
      results.set(output, result)
    }
    return reminder === undefined ? result : successResult(output, reminder, result.content[0]?.text)
  }
}

export const errorResult = (message: string): ToolResult => ({
  content: [{ type: "text", text: message }],
  isError: true
})
