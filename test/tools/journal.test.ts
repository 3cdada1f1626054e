/**
 * journal.add against the engine-backed SyncClient, the real Crypto and a fixed-key MasterKeys:
 * defaults (today in UTC from the TestClock, null title and mood, no tags), the word count, the
 * wire (title/content encrypted, null title passing through, the rest plaintext), the German mood
 * enum, input limits and zero-knowledge users.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { Crypto } from "../../src/keys/Crypto.ts"
import { add } from "../../src/tools/journal/add.ts"
import { countWords, Entry } from "../../src/tools/journal/Entry.ts"
import { journalTools } from "../../src/tools/journal/index.ts"
import { storedChanges, toolLayer, zeroKnowledgeToolLayer } from "../support/cryptoTools.ts"
import { fixtureKey } from "../support/cryptoVectors.ts"
import { runTool } from "../support/runTool.ts"

const Added = Schema.Struct({ entry: Entry })

describe("journal tools", () => {
  it("exports add, list, search, get, update and delete; add encrypts title and content", () => {
    assert.deepStrictEqual(journalTools.map((tool) => tool.name), [
      "journal.add",
      "journal.list",
      "journal.search",
      "journal.get",
      "journal.update",
      "journal.delete"
    ])
    assert.deepStrictEqual(add.encryptedFields, { table: "journalEntries", fields: ["title", "content"] })
  })

  it("counts non-empty whitespace-separated tokens", () => {
    assert.strictEqual(countWords("  Heute war\tein   guter\nTag  "), 5)
    assert.strictEqual(countWords("eins"), 1)
    assert.strictEqual(countWords(" \n\t "), 0)
  })

  it.effect("applies the defaults: today in UTC, null title and mood, no tags", () =>
    Effect.gen(function*() {
      // 23:30 UTC is already the next day in Berlin: the default must be the UTC date.
      yield* TestClock.setTime(Date.parse("2026-05-01T23:30:00.000Z"))
      const { entry } = yield* runTool(add, { content: "Heute war ein guter Tag" }, Added)
      assert.deepInclude(entry, {
        title: null,
        content: "Heute war ein guter Tag",
        entryDate: "2026-05-01",
        mood: null,
        wordCount: 5,
        isPinned: false,
        isFavorite: false,
        isArchived: false,
        createdAt: "2026-05-01T23:30:00.000Z"
      })
      assert.deepStrictEqual(entry.tags, [])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("pushes enc:1 title and content; null title, mood, tags and counts stay plaintext", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k1")
      yield* runTool(add, {
        content: "Müde aber zufrieden",
        mood: "zufrieden",
        tags: ["arbeit"],
        entryDate: "2026-04-30"
      }, Added)
      yield* runTool(add, { title: "Urlaub", content: "Meer", mood: "glücklich" }, Added)
      const [first, second] = yield* storedChanges("journal", "journalEntries")
      const untitled = first?.data ?? {}
      assert.strictEqual(untitled["title"], null)
      assert.match(String(untitled["content"]), /^enc:1:/)
      assert.deepInclude(untitled, { mood: "zufrieden", entryDate: "2026-04-30", wordCount: 3 })
      assert.deepStrictEqual(untitled["tags"], ["arbeit"])
      const titled = second?.data ?? {}
      assert.match(String(titled["title"]), /^enc:1:/)
      const plain = yield* crypto.decryptFields(key, titled, ["title", "content"])
      assert.deepStrictEqual([plain["title"], plain["content"], plain["mood"]], ["Urlaub", "Meer", "glücklich"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("rejects bad input", () =>
    Effect.gen(function*() {
      for (
        const args of [
          {},
          { content: "" },
          { content: "x".repeat(200_001) },
          { content: "x", title: "t".repeat(501) },
          { content: "x", mood: "happy" },
          { content: "x", mood: "Glücklich" },
          { content: "x", entryDate: "2026-5-1" },
          { content: "x", entryDate: "2026-02-30" },
          { content: "x", tags: "work" }
        ]
      ) {
        assert.strictEqual((yield* Effect.flip(runTool(add, args, Added)))._tag, "InvalidToolInput")
      }
      const leap = yield* runTool(add, { content: "x", entryDate: "2028-02-29" }, Added)
      assert.strictEqual(leap.entry.entryDate, "2028-02-29")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("a zero-knowledge user cannot add entries", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* Effect.flip(runTool(add, { content: "x" }, Added)))._tag, "ZeroKnowledgeUserError")
    }).pipe(Effect.provide(zeroKnowledgeToolLayer)))
})
