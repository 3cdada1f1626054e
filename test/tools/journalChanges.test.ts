/**
 * journal.list / journal.search / journal.get / journal.update / journal.delete against the
 * engine-backed SyncClient, the real Crypto and a fixed-key MasterKeys: newest first, the date
 * range, mood and tag filters, text search over the decrypted text, previews and paging, update →
 * get with the word count following the content, the existence and space checks, web-app
 * records and soft deletes.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import { add } from "../../src/tools/journal/add.ts"
import { deleteEntry } from "../../src/tools/journal/delete.ts"
import { Entry, EntrySummary } from "../../src/tools/journal/Entry.ts"
import { get } from "../../src/tools/journal/get.ts"
import { list } from "../../src/tools/journal/list.ts"
import { search } from "../../src/tools/journal/search.ts"
import { update } from "../../src/tools/journal/update.ts"
import { UnreadableRecord } from "../../src/tools/kit/decryptRecords.ts"
import { DeleteResult } from "../../src/tools/kit/deleteTool.ts"
import { PageInfo } from "../../src/tools/kit/paging.ts"
import { seedChanges, seedInsert, storedChanges, toolLayer } from "../support/cryptoTools.ts"
import { fixtureKey } from "../support/cryptoVectors.ts"
import { runTool } from "../support/runTool.ts"
import { aliceCaller as alice, callerFor } from "../support/users.ts"

const One = Schema.Struct({ entry: Entry })
const Listed = Schema.Struct({
  entries: Schema.Array(EntrySummary),
  unreadable: Schema.Array(UnreadableRecord),
  ...PageInfo
})
const Deleted = DeleteResult
const dates = (listed: typeof Listed.Type) => listed.entries.map((entry) => entry.entryDate)

const seedWeek = Effect.gen(function*() {
  yield* TestClock.setTime(Date.parse("2026-05-08T20:00:00.000Z"))
  yield* runTool(
    add,
    { content: "Lange Arbeit, müde", entryDate: "2026-05-04", mood: "gestresst", tags: ["Work"] },
    One
  )
  yield* runTool(
    add,
    { content: "Spaziergang am Fluss", entryDate: "2026-05-06", mood: "zufrieden", tags: ["walk"] },
    One
  )
  yield* runTool(add, { title: "Geburtstag", content: "Kuchen!", entryDate: "2026-05-08", mood: "glücklich" }, One)
  yield* runTool(add, { content: "Letzter Monat", entryDate: "2026-04-20", tags: ["work", "walk"] }, One)
})

describe("journal list / search / get / update / delete", () => {
  it.effect("list: newest first; date range, moods and tags", () =>
    Effect.gen(function*() {
      yield* seedWeek
      const run = (args: Record<string, unknown>) => Effect.map(runTool(list, args, Listed), dates)
      assert.deepStrictEqual(yield* run({}), ["2026-05-08", "2026-05-06", "2026-05-04", "2026-04-20"])
      assert.deepStrictEqual(yield* run({ from: "2026-05-04", to: "2026-05-06" }), ["2026-05-06", "2026-05-04"])
      assert.deepStrictEqual(yield* run({ moods: ["gestresst", "glücklich"] }), ["2026-05-08", "2026-05-04"])
      assert.deepStrictEqual(yield* run({ tags: ["WORK"] }), ["2026-05-04", "2026-04-20"])
      const paged = yield* runTool(list, { limit: 3 }, Listed)
      const rest = yield* runTool(list, { limit: 3, cursor: paged.nextCursor }, Listed)
      assert.deepStrictEqual([dates(paged).length, dates(rest), rest.total], [3, ["2026-04-20"], 4])
      for (const args of [{ from: "2026-02-30" }, { to: "1899-12-31" }, { moods: ["sad"] }]) {
        assert.strictEqual((yield* Effect.flip(runTool(list, args, Listed)))._tag, "InvalidToolInput")
      }
    }).pipe(Effect.provide(toolLayer())))

  it.effect("search over the decrypted title and content, with previews", () =>
    Effect.gen(function*() {
      yield* seedWeek
      yield* runTool(add, { content: `Fluss ${"und so weiter ".repeat(50)}`, entryDate: "2026-05-01" }, One)
      const found = yield* runTool(search, { query: "FLUSS" }, Listed)
      assert.deepStrictEqual(dates(found), ["2026-05-06", "2026-05-01"])
      assert.isTrue((found.entries[1]?.contentLength ?? 0) > 600)
      assert.isTrue(found.entries[1]?.contentPreview.endsWith("…"))
      assert.deepStrictEqual(dates(yield* runTool(search, { query: "geburtstag" }, Listed)), ["2026-05-08"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("update → get; the word count follows the content; title and content go out as enc:1", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-08T20:00:00.000Z"))
      const { entry } = yield* runTool(add, { content: "kurz" }, One)
      const updated = yield* runTool(update, {
        id: entry.id,
        content: "doch etwas länger geworden",
        mood: "nachdenklich",
        tags: ["abend"]
      }, One)
      assert.deepInclude(updated.entry, { content: "doch etwas länger geworden", wordCount: 4, mood: "nachdenklich" })
      assert.deepStrictEqual((yield* runTool(get, { id: entry.id }, One)).entry, updated.entry)
      const fields = (yield* storedChanges("journal", "journalEntries")).find((c) => c.op === "update")?.fields ?? {}
      assert.deepStrictEqual(Object.keys(fields).sort(), ["content", "mood", "tags", "updatedAt", "wordCount"])
      assert.match(String(fields["content"]?.value), /^enc:1:/)
      assert.deepStrictEqual(fields["tags"]?.value, ["abend"])
      assert.strictEqual(
        yield* (yield* Crypto).decrypt(yield* fixtureKey("k1"), fields["content"]?.value),
        "doch etwas länger geworden"
      )
    }).pipe(Effect.provide(toolLayer())))

  it.effect("refuses another space's and deleted entries; delete hides from list, search and get", () =>
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const { entry: elsewhere } = yield* runTool(
        add,
        { content: "anderswo" },
        One,
        callerFor(alice.principal.userId, "space-elsewhere")
      )
      const { entry } = yield* runTool(add, { content: "bald weg", entryDate: "2026-05-02" }, One)
      const result = yield* runTool(deleteEntry, { id: entry.id }, Deleted)
      assert.deepStrictEqual(result.deleted, { table: "journalEntries", id: entry.id, title: "2026-05-02: bald weg" })
      assert.deepStrictEqual(dates(yield* runTool(list, {}, Listed)), [])
      assert.deepStrictEqual(dates(yield* runTool(search, { query: "weg" }, Listed)), [])
      const rows = yield* engine.rowCount
      for (const id of [elsewhere.id, entry.id]) {
        assert.strictEqual((yield* Effect.flip(runTool(get, { id }, One)))._tag, "RecordNotFound")
        assert.strictEqual((yield* Effect.flip(runTool(update, { id, content: "x" }, One)))._tag, "RecordNotFound")
        assert.strictEqual((yield* Effect.flip(runTool(deleteEntry, { id }, Deleted)))._tag, "RecordNotFound")
      }
      assert.strictEqual(yield* engine.rowCount, rows)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("web-app entries: an update before its insert, no timestamps, flags or word count", () =>
    Effect.gen(function*() {
      const key = yield* fixtureKey("k1")
      const crypto = yield* Crypto
      const id = "5c1f2c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      yield* seedChanges("journal", [{
        table: "journalEntries",
        id,
        op: "update",
        fields: { mood: { value: "dankbar", at: "2026-04-01T10:00:00.000Z" } }
      }])
      yield* seedInsert("journal", "journalEntries", id, {
        content: yield* crypto.encrypt(key, "Vom Handy geschrieben"),
        entryDate: "2026-03-31"
      })
      const entry = (yield* runTool(get, { id }, One)).entry
      assert.deepInclude(entry, {
        title: null,
        content: "Vom Handy geschrieben",
        mood: "dankbar",
        wordCount: 3,
        isPinned: false,
        isArchived: false
      })
      assert.deepStrictEqual(entry.tags, [])
      assert.deepStrictEqual(dates(yield* runTool(list, {}, Listed)), ["2026-03-31"])
    }).pipe(Effect.provide(toolLayer())))
})
