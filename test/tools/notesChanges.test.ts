/**
 * notes.list / notes.get / notes.update / notes.delete against the engine-backed SyncClient, the
 * real Crypto and a fixed-key MasterKeys: the web app's order (pinned, then recent), previews and
 * paging, update → get with exactly title/content encrypted on the wire, the existence and space
 * checks, web-app records and soft deletes.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import { UnreadableRecord } from "../../src/tools/kit/decryptRecords.ts"
import { DeleteResult } from "../../src/tools/kit/deleteTool.ts"
import { PageInfo } from "../../src/tools/kit/paging.ts"
import { create } from "../../src/tools/notes/create.ts"
import { deleteNote } from "../../src/tools/notes/delete.ts"
import { get } from "../../src/tools/notes/get.ts"
import { list } from "../../src/tools/notes/list.ts"
import { Note, NoteSummary } from "../../src/tools/notes/Note.ts"
import { search } from "../../src/tools/notes/search.ts"
import { update } from "../../src/tools/notes/update.ts"
import { seedChanges, seedInsert, storedChanges, toolLayer } from "../support/cryptoTools.ts"
import { cryptoVectors, fixtureKey } from "../support/cryptoVectors.ts"
import { runTool } from "../support/runTool.ts"
import { aliceCaller as alice, callerFor } from "../support/users.ts"

const One = Schema.Struct({ note: Note })
const Listed = Schema.Struct({
  notes: Schema.Array(NoteSummary),
  unreadable: Schema.Array(UnreadableRecord),
  ...PageInfo
})
const Deleted = DeleteResult
const titles = (listed: typeof Listed.Type) => listed.notes.map((note) => note.title)

describe("notes list / get / update / delete", () => {
  it.effect("list: pinned first, then most recently updated; previews; paging", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T09:00:00.000Z"))
      const { note: old } = yield* runTool(create, { title: "Old", content: "ü".repeat(600) }, One)
      yield* TestClock.adjust("1 hour")
      yield* runTool(create, { title: "Pinned", isPinned: true }, One)
      yield* TestClock.adjust("1 hour")
      yield* runTool(create, { title: "Newer" }, One)
      assert.deepStrictEqual(titles(yield* runTool(list, {}, Listed)), ["Pinned", "Newer", "Old"])
      yield* TestClock.adjust("1 hour")
      yield* runTool(update, { id: old.id, title: "Old, edited" }, One)
      const listed = yield* runTool(list, {}, Listed)
      assert.deepStrictEqual(titles(listed), ["Pinned", "Old, edited", "Newer"])
      assert.strictEqual(listed.notes[1]?.contentLength, 600)
      assert.strictEqual(Array.from(listed.notes[1]?.contentPreview ?? "").length, 281)

      const first = yield* runTool(list, { limit: 2 }, Listed)
      const rest = yield* runTool(list, { limit: 2, cursor: first.nextCursor }, Listed)
      assert.deepStrictEqual([...titles(first), ...titles(rest)], titles(listed))
      assert.isNull(rest.nextCursor)
      const searched = yield* runTool(search, { query: "old", limit: 1 }, Listed)
      assert.deepStrictEqual([titles(searched), searched.total, searched.nextCursor], [["Old, edited"], 1, null])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("update → get; title and content go out as enc:1, flags in plaintext", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T09:00:00.000Z"))
      const { note } = yield* runTool(create, { title: "Rezept", content: "Mehl" }, One)
      yield* TestClock.adjust("5 minutes")
      const updated = yield* runTool(update, {
        id: note.id,
        content: "Mehl, Wasser, Salz",
        isPinned: true,
        color: "#112233"
      }, One)
      assert.deepInclude(updated.note, {
        title: "Rezept",
        content: "Mehl, Wasser, Salz",
        isPinned: true,
        color: "#112233",
        updatedAt: "2026-05-01T09:05:00.000Z"
      })
      assert.deepStrictEqual((yield* runTool(get, { id: note.id }, One)).note, updated.note)
      const change = (yield* storedChanges("notes", "notes")).find((c) => c.op === "update")
      const fields = change?.fields ?? {}
      assert.deepStrictEqual(Object.keys(fields).sort(), ["color", "content", "isPinned", "updatedAt"])
      assert.match(String(fields["content"]?.value), /^enc:1:/)
      assert.strictEqual(fields["isPinned"]?.value, true)
      assert.strictEqual(
        yield* (yield* Crypto).decrypt(yield* fixtureKey("k1"), fields["content"]?.value),
        "Mehl, Wasser, Salz"
      )
      const archived = yield* runTool(update, { id: note.id, isArchived: true }, One)
      assert.isTrue(archived.note.isArchived)
      assert.deepStrictEqual(titles(yield* runTool(list, {}, Listed)), [])
      assert.deepStrictEqual(titles(yield* runTool(list, { includeArchived: true }, Listed)), ["Rezept"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("refuses another space's note and a deleted note; delete hides from list, search and get", () =>
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const { note: elsewhere } = yield* runTool(
        create,
        { title: "Elsewhere" },
        One,
        callerFor(alice.principal.userId, "space-elsewhere")
      )
      const { note } = yield* runTool(create, { title: "Soon gone" }, One)
      const result = yield* runTool(deleteNote, { id: note.id }, Deleted)
      assert.deepStrictEqual(result.deleted, { table: "notes", id: note.id, title: "Soon gone" })
      assert.deepStrictEqual(titles(yield* runTool(list, { includeArchived: true }, Listed)), [])
      assert.deepStrictEqual(titles(yield* runTool(search, { query: "gone" }, Listed)), [])
      const rows = yield* engine.rowCount
      for (const id of [elsewhere.id, note.id]) {
        assert.strictEqual((yield* Effect.flip(runTool(get, { id }, One)))._tag, "RecordNotFound")
        assert.strictEqual((yield* Effect.flip(runTool(update, { id, title: "x" }, One)))._tag, "RecordNotFound")
        assert.strictEqual((yield* Effect.flip(runTool(deleteNote, { id }, Deleted)))._tag, "RecordNotFound")
      }
      assert.strictEqual(yield* engine.rowCount, rows)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("web-app notes: an update before its insert, no timestamps or flags, another member's key", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k1")
      const id = "7a1f2c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      yield* seedChanges("notes", [{
        table: "notes",
        id,
        op: "update",
        fields: { isPinned: { value: true, at: "2026-04-01T10:00:00.000Z" } }
      }])
      yield* seedInsert("notes", "notes", id, { title: yield* crypto.encrypt(key, "Vom Web"), content: null })
      assert.deepInclude((yield* runTool(get, { id }, One)).note, {
        title: "Vom Web",
        content: "",
        isPinned: true,
        isArchived: false,
        color: null
      })
      const foreign = "8b1f2c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      const bob = "22222222-2222-4222-8222-222222222222"
      const k2 = cryptoVectors.vectors.find((vector) => vector.name === "v0-k2")?.wire
      yield* seedInsert("notes", "notes", foreign, { title: k2, content: k2, authorId: bob })
      const listed = yield* runTool(list, {}, Listed)
      assert.deepStrictEqual(titles(listed), ["Vom Web"])
      assert.deepStrictEqual(listed.unreadable, [{ id: foreign, reason: "encrypted-by-another-member", authorId: bob }])
      assert.strictEqual((yield* Effect.flip(runTool(get, { id: foreign }, One)))._tag, "RecordUnreadable")
    }).pipe(Effect.provide(toolLayer())))
})
