/**
 * The text block of a tool result (#25): a small output is its JSON, as the MCP guidance for
 * structured results suggests; a large list is a compact table — one line per record, the field
 * names once — that still names every record and every field value, so a client that reads only
 * text loses nothing, and the answer does not carry the same 50 KB twice.
 */
import { describe, expect, it } from "vitest"
import { successResult } from "../../../src/tools/kit/toolResult.ts"

const habits = Array.from({ length: 100 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  title: i === 7 ? "Read | write\nnotes" : `Habit ${i}`,
  icon: "star",
  color: "#ff8800",
  targetPerDay: i % 3 === 0 ? null : 2,
  order: i,
  isArchived: false,
  tags: ["a", "b"]
}))

const textOf = (output: unknown) => successResult(output).content.map((block) => block.text).join("\n")

describe("the text block of a tool result", () => {
  it("is the compact JSON for a small output", () => {
    const output = { habit: habits[0], created: true }
    expect(JSON.parse(textOf(output))).toEqual(output)
  })

  it("is a table naming every record and value of a large list, at most two thirds of the JSON", () => {
    const output = { habits, total: 100, nextCursor: null }
    const text = textOf(output)
    expect(text.length).toBeLessThan((JSON.stringify(output).length * 2) / 3)
    expect(text).toContain("habits: 100 records")
    expect(text).toContain("id | title | icon | color | targetPerDay | order | isArchived | tags")
    expect(text).toContain("total: 100")
    expect(text).toContain("nextCursor: null")
    const lines = text.split("\n")
    for (const habit of habits) {
      const line = lines.find((candidate) => candidate.startsWith(habit.id))
      expect(line).toBeDefined()
      expect(line).toContain(habit.color)
    }
    // A value that would break the table is quoted as JSON, so it stays on its line and readable.
    expect(text).toContain("\"Read | write\\nnotes\"")
    expect(lines.find((line) => line.startsWith(habits[3]?.id ?? "?"))).toContain(" | null | 3 | false | [\"a\",\"b\"]")
  })
})
