/**
 * `mana.search` reads each module's documents once per table state and key, as the module
 * searches do: a repeated search over unchanged tables reuses the same documents (decoded and
 * folded once), and after one record changed only that record is decoded and folded again.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { Caller } from "../../src/domain/Caller.ts"
import { create as createNote } from "../../src/tools/notes/create.ts"
import { search } from "../../src/tools/search/search.ts"
import { type ModuleDocs, moduleSources, type SearchDoc } from "../../src/tools/search/searchDocs.ts"
import { create as createTask } from "../../src/tools/todo/create.ts"
import { memoToolLayer } from "../support/cryptoTools.ts"
import { runTool } from "../support/runTool.ts"
import { aliceCaller } from "../support/users.ts"

const readAll = Effect.gen(function*() {
  const sources = yield* moduleSources
  return yield* Effect.forEach(sources, (source) => source.docs)
}).pipe(Effect.provideService(Caller, aliceCaller))

const docsOf = (answers: ReadonlyArray<ModuleDocs>, module: string): ReadonlyArray<SearchDoc> =>
  answers.flatMap((answer) => (answer._tag === "Docs" ? answer.docs.filter((doc) => doc.module === module) : []))

const Hits = Schema.Struct({ hits: Schema.Array(Schema.Struct({ id: Schema.String, title: Schema.String })) })

describe("mana.search documents", () => {
  it.effect("are read once per table state and key, and only the changed record again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      yield* runTool(createNote, { title: "Bread recipes", content: "Sourdough starter" }, Schema.Unknown)
      yield* runTool(createTask, { title: "Buy bread" }, Schema.Unknown)

      const first = yield* readAll
      const again = yield* readAll
      first.forEach((answer, index) => assert.strictEqual(again[index], answer, "the same documents"))
      const found = yield* runTool(search, { query: "bread" }, Hits)
      assert.deepStrictEqual(found.hits.map((hit) => hit.title).sort(), ["Bread recipes", "Buy bread"])

      yield* TestClock.adjust("1 minute")
      yield* runTool(createNote, { title: "Rye bread", content: "" }, Schema.Unknown)
      const after = yield* readAll
      const notesBefore = docsOf(first, "notes")
      const notesAfter = docsOf(after, "notes")
      assert.strictEqual(notesAfter.length, 2)
      const kept = notesAfter.find((doc) => doc.title === "Bread recipes")
      assert.strictEqual(kept, notesBefore[0], "an unchanged note is not decoded again")
      assert.strictEqual(docsOf(after, "todo")[0], docsOf(first, "todo")[0])
      const more = yield* runTool(search, { query: "BREAD" }, Hits)
      assert.strictEqual(more.hits.length, 3)
    }).pipe(Effect.provide(memoToolLayer())))
})
