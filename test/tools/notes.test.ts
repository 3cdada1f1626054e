/**
 * notes.create / notes.search against the engine-backed SyncClient, the real Crypto and a
 * fixed-key MasterKeys: search by a word of the decrypted content (case-insensitive), title
 * matches, newest first, archived notes, the wire (title/content encrypted, the rest plaintext),
 * input limits, zero-knowledge users and an undecryptable note.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { Crypto } from "../../src/keys/Crypto.ts"
import { SyncClient } from "../../src/sync/SyncClient.ts"
import { UnreadableRecord } from "../../src/tools/kit/decryptRecords.ts"
import { create } from "../../src/tools/notes/create.ts"
import { notesTools } from "../../src/tools/notes/index.ts"
import { Note, NoteSummary } from "../../src/tools/notes/Note.ts"
import { search } from "../../src/tools/notes/search.ts"
import { seedInsert, storedChanges, toolLayer, zeroKnowledgeToolLayer } from "../support/cryptoTools.ts"
import { cryptoVectors, fixtureKey } from "../support/cryptoVectors.ts"
import { runTool } from "../support/runTool.ts"
import { aliceCaller } from "../support/users.ts"

const Created = Schema.Struct({ note: Note })
const Found = Schema.Struct({
  notes: Schema.Array(NoteSummary),
  unreadable: Schema.Array(UnreadableRecord),
  nextCursor: Schema.NullOr(Schema.String),
  total: Schema.Number
})
const titles = (found: typeof Found.Type) => found.notes.map((note) => note.title)

const seedThree = Effect.gen(function*() {
  yield* TestClock.setTime(Date.parse("2026-05-01T09:00:00.000Z"))
  yield* runTool(create, { title: "Einkauf", content: "Milch, Brot und Äpfel" }, Created)
  yield* TestClock.adjust("1 hour")
  yield* runTool(create, { title: "Ideen", content: "Ein Buch über BROT schreiben" }, Created)
  yield* TestClock.adjust("1 hour")
  yield* runTool(
    create,
    { title: "Brotrezept", content: "Sauerteig ansetzen", color: "#ff8800", isPinned: true },
    Created
  )
})

describe("notes tools", () => {
  it("exports create, list, search, get, update and delete", () => {
    assert.deepStrictEqual(notesTools.map((tool) => tool.name), [
      "notes.create",
      "notes.list",
      "notes.search",
      "notes.get",
      "notes.update",
      "notes.delete"
    ])
    assert.deepStrictEqual(search.encryptedFields, { table: "notes", fields: ["title", "content"] })
  })

  it.effect("create then search by a word in the content, case-insensitive, newest first", () =>
    Effect.gen(function*() {
      yield* seedThree
      const byContent = yield* runTool(search, { query: "  brot " }, Found)
      assert.deepStrictEqual(titles(byContent), ["Brotrezept", "Ideen", "Einkauf"])
      const one = yield* runTool(search, { query: "sauerteig" }, Found)
      assert.deepStrictEqual(titles(one), ["Brotrezept"])
      assert.deepInclude(one.notes[0], {
        contentPreview: "Sauerteig ansetzen",
        contentLength: 18,
        color: "#ff8800",
        isPinned: true,
        isArchived: false
      })
      assert.deepStrictEqual(titles(yield* runTool(search, { query: "Milch" }, Found)), ["Einkauf"])
      assert.deepStrictEqual(titles(yield* runTool(search, { query: "nothing like this" }, Found)), [])
      assert.deepStrictEqual(titles(yield* runTool(search, { limit: 2 }, Found)), ["Brotrezept", "Ideen"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("create applies the defaults", () =>
    Effect.gen(function*() {
      const { note } = yield* runTool(create, { title: "Leer" }, Created)
      assert.deepInclude(note, { content: "", color: null, isPinned: false, isArchived: false })
    }).pipe(Effect.provide(toolLayer())))

  it.effect("archived notes are searched only when asked", () =>
    Effect.gen(function*() {
      const { note } = yield* runTool(create, { title: "Alt", content: "archiviert" }, Created)
      yield* Effect.flatMap(SyncClient, (sync) =>
        sync.push(aliceCaller, "notes", "test", [{
          op: "update",
          table: "notes",
          id: note.id,
          fields: { isArchived: true }
        }]))
      assert.deepStrictEqual(titles(yield* runTool(search, { query: "archiviert" }, Found)), [])
      assert.deepStrictEqual(titles(yield* runTool(search, { query: "archiviert", includeArchived: true }, Found)), [
        "Alt"
      ])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("pushes enc:1 title and content, plaintext colour and flags", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k1")
      yield* runTool(create, { title: "Geheim", content: "# Plan\n- eins", color: "#123abc" }, Created)
      const [insert] = yield* storedChanges("notes", "notes")
      const data = insert?.data ?? {}
      assert.match(String(data["title"]), /^enc:1:/)
      assert.match(String(data["content"]), /^enc:1:/)
      assert.deepInclude(data, { color: "#123abc", isPinned: false, isArchived: false })
      const plain = yield* crypto.decryptFields(key, data, ["title", "content"])
      assert.deepStrictEqual([plain["title"], plain["content"]], ["Geheim", "# Plan\n- eins"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("rejects bad input", () =>
    Effect.gen(function*() {
      for (
        const args of [{}, { title: "" }, { title: "x", color: "red" }, { title: "x", content: "y".repeat(200_001) }]
      ) {
        assert.strictEqual((yield* Effect.flip(runTool(create, args, Created)))._tag, "InvalidToolInput")
      }
      for (const args of [{ query: "q".repeat(501) }, { limit: 101 }, { limit: 0 }]) {
        assert.strictEqual((yield* Effect.flip(runTool(search, args, Found)))._tag, "InvalidToolInput")
      }
    }).pipe(Effect.provide(toolLayer())))

  it.effect("a zero-knowledge user can neither create nor search", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* Effect.flip(runTool(create, { title: "x" }, Created)))._tag, "ZeroKnowledgeUserError")
      assert.strictEqual((yield* Effect.flip(runTool(search, {}, Found)))._tag, "ZeroKnowledgeUserError")
    }).pipe(Effect.provide(zeroKnowledgeToolLayer)))

  it.effect("a note encrypted with another key is reported unreadable without hiding the others", () =>
    Effect.gen(function*() {
      const foreign = "5c1d7c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      const k2 = cryptoVectors.vectors.find((vector) => vector.name === "v2-k2")?.wire
      yield* seedInsert("notes", "notes", foreign, { title: "enc:1:AAAA", content: k2 })
      yield* runTool(create, { title: "Lesbar", content: "hallo" }, Created)
      const found = yield* runTool(search, {}, Found)
      assert.deepStrictEqual(titles(found), ["Lesbar"])
      assert.deepStrictEqual(found.unreadable, [{ id: foreign, reason: "undecryptable" }])
    }).pipe(Effect.provide(toolLayer())))
})
