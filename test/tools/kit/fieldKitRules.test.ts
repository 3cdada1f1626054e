/**
 * The input-field kit's rules (src/tools/kit/fields) hold in the todo, notes, journal and trash tools
 * too, not only in habits: control and bidi characters are refused with what is accepted, lengths
 * count code points, ids in any case find the record, dates must be real days and tag lists are
 * bounded.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { list as journalList } from "../../../src/tools/journal/list.ts"
import { search as journalSearch } from "../../../src/tools/journal/search.ts"
import { update as journalUpdate } from "../../../src/tools/journal/update.ts"
import type { Tool } from "../../../src/tools/kit/ToolSpec.ts"
import { update as notesUpdate } from "../../../src/tools/notes/update.ts"
import { create as todoCreate } from "../../../src/tools/todo/create.ts"
import { get as todoGet } from "../../../src/tools/todo/get.ts"
import { list as todoList } from "../../../src/tools/todo/list.ts"
import { Task } from "../../../src/tools/todo/Task.ts"
import { update as todoUpdate } from "../../../src/tools/todo/update.ts"
import { restore } from "../../../src/tools/trash/restore.ts"
import { toolLayer } from "../../support/cryptoTools.ts"
import { runTool } from "../../support/runTool.ts"

const id = "0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"
const Created = Schema.Struct({ task: Task })

/** The rendered input problems of a refused call (fails the test if the call decodes). */
const refusal = <R>(tool: Tool<R>, args: unknown) =>
  tool.decode(args).pipe(
    Effect.flip,
    Effect.map((error) => error.message),
    Effect.orElse(() => Effect.succeed("the call was accepted"))
  )

describe("the field kit in every tool's input", () => {
  it.effect("refuses control and bidi characters, naming the character and what is accepted", () =>
    Effect.gen(function*() {
      const bell = yield* refusal(todoCreate, { title: "Walk\u0007" })
      assert.include(bell, "control character U+0007")
      assert.include(bell, "no control characters")
      const override = yield* refusal(notesUpdate, { id, title: "invoice\u202Etxt.exe" })
      assert.include(override, "bidirectional control U+202E")
      const subtask = yield* refusal(todoUpdate, { id, subtasks: [{ title: "a\u0000b" }] })
      assert.include(subtask, "control character U+0000")
      const query = yield* refusal(journalSearch, { query: "\u001b[2J" })
      assert.include(query, "control character U+001B")
    }))

  it.effect("counts lengths in code points and trims one-line text", () =>
    Effect.gen(function*() {
      // 500 emoji are 1,000 UTF-16 units: within a 500-character title.
      const emoji = "\u{1F600}".repeat(500)
      const { task } = yield* runTool(todoCreate, { title: `  ${emoji}  ` }, Created)
      assert.strictEqual(task.title, emoji)
      const tooLong = yield* refusal(todoCreate, { title: `${"\u{1F600}".repeat(499)}ab` })
      assert.include(tooLong, "is 501 characters long")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("finds a record by its id in upper case", () =>
    Effect.gen(function*() {
      const { task } = yield* runTool(todoCreate, { title: "Call mum" }, Created)
      const found = yield* runTool(todoGet, { id: task.id.toUpperCase() }, Created)
      assert.strictEqual(found.task.id, task.id)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("refuses ids that are not UUIDs, impossible days and oversized tag lists", () =>
    Effect.gen(function*() {
      assert.include(yield* refusal(restore, { table: "notes", id: "42" }), "a UUID such as")
      assert.include(yield* refusal(journalList, { from: "2026-02-30" }), "is not a real calendar date")
      const tags = Array.from({ length: 51 }, (_, i) => `tag${i}`)
      assert.include(yield* refusal(journalUpdate, { id, tags }), "has 51 tags")
      assert.include(yield* refusal(todoList, { includeCompleted: "yes" }), "true or false")
    }))
})
