/**
 * Input errors are bounded and useful whatever an agent sends: at most ten problems, each with
 * path, problem, what is accepted and a short preview; never over 2 KB; unknown properties
 * counted; reserved keys refused by name; deep nesting refused before decoding. Runs every tool
 * of the barrel through its erased `decode`, as the invoke pipeline does.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { allTools } from "../../../../src/tools/allTools.ts"
import { maxInputErrorLength } from "../../../../src/tools/kit/input/InputIssue.ts"
import type { Tool } from "../../../../src/tools/kit/ToolSpec.ts"

const byName = new Map(allTools.map((tool) => [tool.name, tool]))
const tool = (name: string) => {
  const found = byName.get(name)
  if (found === undefined) throw new Error(`no tool ${name}`)
  return found
}

/** The input error's text, or the decoded input when the arguments were accepted. */
const decode = <R>(target: Tool<R>, args: unknown) =>
  Effect.runSync(Effect.either(target.decode(args))).pipe(
    Either.mapLeft((error) => error.message),
    Either.map((decoded) => decoded.input)
  )

const errorOf = (name: string, args: unknown) => {
  const result = decode(tool(name), args)
  if (Either.isRight(result)) throw new Error(`${name} accepted ${JSON.stringify(result.right).slice(0, 200)}`)
  return result.left
}

const nested = (depth: number): unknown => {
  let value: unknown = "x"
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

describe("input errors", () => {
  it("name path, problem, accepted bounds and a preview, without Effect noise or regexes", () => {
    const text = errorOf("habits.create", { title: "", color: "red", targetPerDay: 0, defaultDuration: "x" })
    assert.include(text, "Invalid input for habits.create (4 problems)")
    assert.include(text, "- title: is empty or only spaces. Accepted: text of 1–120 characters, not blank")
    assert.include(text, "- color: is not a #RRGGBB colour. Accepted: a colour as #RRGGBB")
    assert.include(text, "- targetPerDay: is less than 1. Accepted: a whole number from 1 to 1000, or null. Sent: 0")
    assert.include(text, "- defaultDuration: has the wrong type (string)")
    assert.notInclude(text, "Expected")
    assert.notInclude(text, "undefined")
    assert.notInclude(text, "^#")
  })

  it("list the allowed values of a closed set once", () => {
    const text = errorOf("todo.create", { title: "x", priority: "asap" })
    assert.include(text, "- priority: ")
    assert.include(text, "Accepted: one of: low, medium, high, urgent. Sent: \"asap\"")
    assert.strictEqual(text.split("\n").length, 2)
    const mood = errorOf("journal.add", { content: "x", mood: "happy" })
    assert.include(mood, "one of: dankbar, glücklich, zufrieden, neutral, nachdenklich, traurig, gestresst, wütend")
  })

  it("report unknown properties one line each up to the cap, then how many more", () => {
    const args: Record<string, unknown> = { title: "Walk" }
    for (let i = 0; i < 5_000; i++) args[`extra${i}`] = i
    const text = errorOf("habits.create", args)
    assert.include(text, "(5000 problems)")
    assert.include(text, "- extra0: is not a property of habits.create. Sent: 0")
    assert.include(text, "- … and 4990 more")
    assert.include(text, "Accepted properties: title, icon, color, targetPerDay, defaultDuration.")
    assert.strictEqual(text.split("\n").filter((line) => line.includes("is not a property")).length, 10)
  })

  it("apply the same strictness to spaces.list", () => {
    const text = errorOf("spaces.list", { verbose: true })
    assert.include(text, "- verbose: is not a property of spaces.list")
    assert.include(text, "Accepted properties: none.")
  })

  it("refuse __proto__ and constructor keys by name, at any depth", () => {
    assert.include(
      errorOf("habits.create", JSON.parse("{\"title\":\"a\",\"__proto__\":{\"x\":1}}")),
      "__proto__: is a refused property name"
    )
    assert.include(
      errorOf("journal.add", JSON.parse("{\"content\":\"a\",\"tags\":[{\"constructor\":1}]}")),
      "tags.0.constructor: is a refused property name"
    )
  })

  it("refuse nesting deeper than 32 levels before decoding, even 100 000 levels", () => {
    const text = errorOf("journal.add", { content: "x", tags: nested(100_000) })
    assert.include(text, "is nested more than 32 levels deep")
    assert.isBelow(text.length, 400)
    assert.isTrue(Either.isLeft(decode(tool("journal.add"), { content: "x", tags: nested(31) })))
  })

  it("stay under 2 KB for huge values", () => {
    const huge = "x".repeat(4 * 1024 * 1024)
    for (
      const [name, args] of [
        ["habits.create", { title: huge, icon: huge, color: huge }],
        ["notes.create", { title: huge, content: huge }],
        ["journal.add", { content: huge, tags: Array.from({ length: 50_000 }, () => huge.slice(0, 100_000)) }],
        ["todo.create", { title: [huge], description: { [huge]: huge } }]
      ] as const
    ) {
      const text = errorOf(name, args)
      assert.isAtMost(text.length, maxInputErrorLength, name)
    }
  })
})

describe("input fields", () => {
  const accepted = (name: string, args: unknown) => {
    const result = decode(tool(name), args)
    if (Either.isLeft(result)) throw new Error(result.left)
    return result.right as Record<string, unknown>
  }

  it("count characters in code points, so 120 emoji fit a 120-character title", () => {
    assert.strictEqual(accepted("habits.create", { title: "😀".repeat(120) })["title"], "😀".repeat(120))
    assert.include(errorOf("habits.create", { title: "😀".repeat(121) }), "title: is longer than 120 characters")
    assert.include(
      errorOf("habits.create", { title: `${"😀".repeat(100)}${"x".repeat(21)}` }),
      "title: is 121 characters long"
    )
  })

  it("trim titles and refuse blank ones", () => {
    assert.strictEqual(accepted("notes.create", { title: "  Plan  " })["title"], "Plan")
    assert.include(errorOf("notes.create", { title: " \u3000 " }), "title: is empty or only spaces")
  })

  it("refuse control characters, unpaired surrogates and bidi overrides; allow newline and tab in long text", () => {
    assert.include(errorOf("habits.create", { title: "a\u0000b" }), "control character U+0000")
    assert.include(errorOf("habits.create", { title: "a\nb" }), "control character U+000A")
    assert.include(errorOf("habits.create", { title: "a\uD83Db" }), "unpaired surrogate (U+D83D)")
    assert.include(errorOf("habits.create", { title: "evil\u202Etxt.exe" }), "bidirectional control U+202E")
    assert.strictEqual(accepted("notes.create", { title: "x", content: "a\n\tb" })["content"], "a\n\tb")
    assert.include(
      errorOf("notes.create", { title: "x", content: "a\u001Bb" }),
      "content: contains the control character U+001B"
    )
  })

  it("lowercase ids, so an uppercase UUID names the same record", () => {
    const id = "0B0E3A4C-5D6F-4A7B-8C9D-0E1F2A3B4C5D"
    assert.strictEqual(accepted("habits.update", { id })["id"], id.toLowerCase())
    assert.strictEqual(accepted("todo.complete", { id })["id"], id.toLowerCase())
    assert.include(errorOf("todo.complete", { id: "42" }), "id: is not a UUID")
  })

  it("bound tags: at most 50, each 1–64 characters", () => {
    assert.deepStrictEqual(accepted("journal.add", { content: "x", tags: ["a", " b "] })["tags"], ["a", "b"])
    assert.include(
      errorOf("journal.add", { content: "x", tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }),
      "tags: has 51 tags"
    )
    assert.include(errorOf("journal.add", { content: "x", tags: ["x".repeat(65)] }), "tags.0: is 65 characters long")
  })

  it("refuse implausible or unreal dates", () => {
    assert.include(
      errorOf("journal.add", { content: "x", entryDate: "20226-01-01" }),
      "entryDate: is not in the form YYYY-MM-DD"
    )
    assert.include(errorOf("journal.add", { content: "x", entryDate: "0202-01-01" }), "is outside the years 1900–2100")
    assert.include(errorOf("journal.add", { content: "x", entryDate: "2026-02-30" }), "is not a real calendar date")
    assert.include(errorOf("todo.create", { title: "x", dueDate: "3026-05-01T17:00:00Z" }), "dueDate")
    assert.strictEqual(
      accepted("todo.create", { title: "x", dueDate: "2026-05-01T17:00:00.000Z" })["dueDate"],
      "2026-05-01T17:00:00.000Z"
    )
  })
})
