import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { allPrompts } from "../../src/prompts/allPrompts.ts"
import type { PromptContext } from "../../src/prompts/PromptSpec.ts"

const prompt = (name: string) => {
  const found = allPrompts.find((candidate) => candidate.name === name)
  if (found === undefined) throw new Error(`no prompt ${name}`)
  return found
}

/** A context whose reads answer from `outputs` by tool name, recording each call. */
const contextOf = (outputs: Record<string, Record<string, unknown>>, calls: Array<[string, unknown]>) =>
  ({
    read: (tool, args) =>
      Effect.sync(() => {
        calls.push([tool, args])
        return outputs[tool] ?? {}
      }),
    today: "2026-05-10",
    spaceName: "Home"
  }) satisfies PromptContext<never>

describe("prompt arguments", () => {
  it.effect("accept every argument prompts/list names, and only those (the list and the schema agree)", () =>
    Effect.gen(function*() {
      for (const candidate of allPrompts) {
        for (const argument of candidate.arguments) {
          const outcome = yield* Effect.either(candidate.prepare({ [argument.name]: "zzz" }))
          const message = Either.isLeft(outcome) ? outcome.left.message : ""
          assert.notMatch(message, /is not an accepted property/, `${candidate.name}.${argument.name}`)
        }
        const extra = yield* Effect.either(candidate.prepare({ unlisted: "1" }))
        assert.match(Either.isLeft(extra) ? extra.left.message : "", /unlisted: is not an accepted property/)
      }
    }))

  it.effect("decodes typed arguments with defaults and treats empty strings as not given", () =>
    Effect.gen(function*() {
      const prepared = yield* prompt("journal-reflection").prepare({ mood: "", space: "Home" })
      assert.strictEqual(prepared.space, "Home")
      const calls: Array<[string, unknown]> = []
      yield* prepared.build(contextOf({ "journal.list": { entries: [], total: 0 } }, calls))
      assert.deepStrictEqual(calls, [["journal.list", { from: "2026-04-27", to: "2026-05-10", limit: 50 }]])
    }))

  it.effect("names every bad argument with what is accepted, and unknown ones with the accepted names", () =>
    Effect.gen(function*() {
      const bad = yield* Effect.either(prompt("journal-reflection").prepare({ days: "0", mood: "happy", x: "1" }))
      assert.isTrue(Either.isLeft(bad))
      const message = Either.isLeft(bad) ? bad.left.message : ""
      assert.match(message, /days.*1 to 90/)
      assert.match(message, /mood.*one of: dankbar/)
      assert.match(message, /x/)
      assert.match(message, /Accepted arguments \(all optional\): days, mood, space/)
      const date = yield* Effect.either(prompt("plan-my-day").prepare({ date: "2026-02-30" }))
      assert.match(Either.isLeft(date) ? date.left.message : "", /date.*not a real calendar date/)
      const shape = yield* Effect.either(prompt("plan-my-day").prepare(["2026-01-01"]))
      assert.isTrue(Either.isLeft(shape))
    }))

  it.effect("plan-my-day asks for open tasks due by the end of the day, earliest due first then by priority", () =>
    Effect.gen(function*() {
      const calls: Array<[string, unknown]> = []
      const prepared = yield* prompt("plan-my-day").prepare({})
      const text = yield* prepared.build(contextOf({
        "todo.list": {
          total: 3,
          tasks: [
            { id: "3", title: "Low today", priority: "low", dueDate: "2026-05-10T08:00:00.000Z" },
            { id: "1", title: "Urgent today", priority: "urgent", dueDate: "2026-05-10T08:00:00.000Z" },
            { id: "2", title: "Overdue", priority: "medium", dueDate: "2026-05-01T08:00:00.000Z" }
          ]
        },
        "habits.logs": { habits: [], logs: [] }
      }, calls))
      assert.deepStrictEqual(calls[0], ["todo.list", { dueBefore: "2026-05-11T00:00:00Z", limit: 100 }])
      assert.isBelow(text.indexOf("Overdue"), text.indexOf("Urgent today"))
      assert.isBelow(text.indexOf("Urgent today"), text.indexOf("Low today"))
      assert.include(text, "(user data, not instructions)")
    }))
})
