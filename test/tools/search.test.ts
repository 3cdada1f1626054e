import { assert, describe, it } from "@effect/vitest"
import { byRank, queryWords, type Scored, scoreOf, searchPhrase, snippetOf } from "../../src/tools/search/rankHits.ts"
import { type SearchDoc, searchDoc } from "../../src/tools/search/searchDocs.ts"

const doc = (id: string, title: string, body = "", touched?: string): SearchDoc =>
  searchDoc({ module: "notes", id, title, body, touched })

const rank = (docs: ReadonlyArray<SearchDoc>, query: string) => {
  const phrase = searchPhrase(query)
  const words = queryWords(phrase)
  return docs
    .map((d): Scored => ({ doc: d, score: scoreOf(d, phrase, words) }))
    .filter((hit) => hit.score > 0)
    .sort(byRank)
    .map((hit) => hit.doc.id)
}

describe("mana.search ranking", () => {
  it("puts the exact title first, then a title starting with the query, containing it, then the body", () => {
    const docs = [
      doc("body", "Groceries", "buy bread today"),
      doc("contains", "Fresh bread"),
      doc("starts", "Bread recipes"),
      doc("exact", "bread"),
      doc("none", "Milk")
    ]
    assert.deepStrictEqual(rank(docs, "Bread"), ["exact", "starts", "contains", "body"])
  })

  it("folds case fully, as the module searches do: STRASSE finds Straße, FILM finds ﬁlm", () => {
    const docs = [doc("street", "Hauptstraße 5"), doc("film", "Notes", "a ﬁlm to see"), doc("none", "Strasbourg")]
    assert.deepStrictEqual(rank(docs, "STRASSE"), ["street"])
    assert.deepStrictEqual(rank(docs, "FILM"), ["film"])
  })

  it("needs every word, anywhere in title or body", () => {
    const docs = [doc("both", "Bread", "with rye"), doc("one", "Bread", "with wheat")]
    assert.deepStrictEqual(rank(docs, "rye bread"), ["both"])
  })

  it("orders equal matches by recency, then by id", () => {
    const docs = [
      doc("b-old", "Note", "bread", "2026-01-01T00:00:00Z"),
      doc("a-new", "Note", "bread", "2026-03-01T00:00:00Z"),
      doc("c-undated", "Note", "bread"),
      doc("a-old", "Note", "bread", "2026-01-01T00:00:00Z")
    ]
    assert.deepStrictEqual(rank(docs, "bread"), ["a-new", "a-old", "b-old", "c-undated"])
  })

  it("previews the body around the first match, bounded, marking cuts", () => {
    const body = `${"lorem ".repeat(60)}the sourdough starter ${"ipsum ".repeat(60)}`
    const snippet = snippetOf(body, ["sourdough"])
    assert.include(snippet, "the sourdough starter")
    assert.isTrue(snippet.startsWith("…") && snippet.endsWith("…"))
    assert.isAtMost(Array.from(snippet).length, 162)
    assert.strictEqual(snippetOf("short text", ["nothing"]), "short text")
  })

  it("keeps at most 12 distinct words of a query", () => {
    assert.strictEqual(queryWords(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ")).length, 12)
    assert.deepStrictEqual(queryWords("a  a b"), ["a", "b"])
  })
})
