/**
 * The text block of a successful tool result. The MCP guidance for structured results is that a
 * tool returning `structuredContent` also returns text for clients that ignore it; for a small
 * output that text is the compact JSON. A large list (its JSON over `tableFrom` characters) would
 * then travel twice — 50 KB as structure and 50 KB again, escaped, as a string — so its text is a
 * compact, complete table instead: per list, its size and the field names once, then one line per
 * record with every value (` | ` between them), and the other top-level fields as `name: value`.
 * Nothing is dropped; an LLM reads rows with a header at least as well as repeated keys.
 */
export const tableFrom = 4_096

const separator = " | "

type Row = Readonly<Record<string, unknown>>

const isRow = (value: unknown): value is Row => typeof value === "object" && value !== null && !Array.isArray(value)

const isTable = (value: unknown): value is ReadonlyArray<Row> =>
  Array.isArray(value) && value.length > 0 && value.every(isRow)

/** A string as itself when it cannot be mistaken for another value or break the line; else as JSON. */
const cell = (value: unknown): string => {
  if (value === undefined) return ""
  if (typeof value !== "string") return JSON.stringify(value)
  const plain = value !== "" && !value.includes("|") && !/[\n\r"]/.test(value) &&
    !/^(null|true|false|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(value)
  return plain ? value : JSON.stringify(value)
}

const tableOf = (name: string, rows: ReadonlyArray<Row>): ReadonlyArray<string> => {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))]
  return [
    `${name}: ${rows.length} records, one per line; fields: ${columns.join(separator)}`,
    ...rows.map((row) => columns.map((column) => cell(row[column])).join(separator))
  ]
}

/** The text for `output`, given its JSON (already made by the caller, who may keep it). */
export const summaryText = (output: unknown, json: string): string => {
  if (json.length <= tableFrom || !isRow(output) || !Object.values(output).some(isTable)) return json
  const lines = Object.entries(output).flatMap(([name, value]) =>
    isTable(value) ? tableOf(name, value) : [`${name}: ${cell(value)}`]
  )
  return [...lines, "(The same data as JSON: structuredContent.)"].join("\n")
}
