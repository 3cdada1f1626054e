/**
 * Ranking for `mana.search`: every word of the query must occur (case-insensitive, with the full
 * Unicode folding of `kit/searchText.ts`, as the module searches) in a
 * document's title or body; the whole query in the title counts most (exact, then as its start,
 * then anywhere), then in the body, then each word in the title, then in the body. Equal scores
 * go to the most recently touched, then by id, so pages are stable. The preview is the body
 * around the first match (or its start), about 160 characters.
 */
import { instantOf } from "../../sync/SyncWire.ts"
import { foldForSearch } from "../kit/searchText.ts"
import type { SearchDoc } from "./searchDocs.ts"

export interface Scored {
  readonly doc: SearchDoc
  readonly score: number
}

export const maxQueryWords = 12

/** The query as it is compared: trimmed and folded. */
export const searchPhrase = (query: string): string => foldForSearch(query.trim())

export const queryWords = (query: string): ReadonlyArray<string> =>
  [
    ...new Set(foldForSearch(query).split(/\s+/).filter((word) => word !== ""))
  ].slice(0, maxQueryWords)

/** A document's title and body as they are compared (`foldForSearch`). */
export interface FoldedDoc {
  readonly title: string
  readonly body: string
}

export const foldDoc = (doc: SearchDoc): FoldedDoc => ({
  title: foldForSearch(doc.title),
  body: foldForSearch(doc.body)
})

/**
 * The document's score for `phrase` (`searchPhrase`), or 0 when it does not match. `folded` is
 * `foldDoc(doc)`, passed in when remembered (folding 300 notes of 20 KB is most of a search).
 */
export const scoreOf = (
  doc: SearchDoc,
  phrase: string,
  words: ReadonlyArray<string>,
  { body, title }: FoldedDoc = foldDoc(doc)
): number => {
  let score = 0
  for (const word of words) {
    const inTitle = title.includes(word)
    if (!inTitle && !body.includes(word)) return 0
    score += inTitle ? 8 : 3
  }
  if (title === phrase) score += 100
  else if (title.startsWith(phrase)) score += 60
  else if (title.includes(phrase)) score += 40
  else if (body.includes(phrase)) score += 20
  return score
}

export const byRank = (a: Scored, b: Scored): number =>
  b.score - a.score || instantOf(b.doc.touched) - instantOf(a.doc.touched) || a.doc.id.localeCompare(b.doc.id)

const previewChars = 160

/** About 160 characters of `body` around the first of `words` found, with "…" where cut; `lower` is it folded. */
export const snippetOf = (body: string, words: ReadonlyArray<string>, lower = foldForSearch(body)): string => {
  // Folding can change lengths (ß → ss): the position is approximate for such text, never out of range.
  const at = words.reduce((first, word) => {
    const index = lower.indexOf(word)
    return index >= 0 && (first < 0 || index < first) ? index : first
  }, -1)
  const start = Math.max(0, at < 0 ? 0 : at - 40)
  const chars = Array.from(body.slice(start, start + previewChars * 2)).slice(0, previewChars).join("")
  const cutEnd = start + chars.length < body.length
  return `${start > 0 ? "…" : ""}${chars.replace(/\s+/g, " ").trim()}${cutEnd ? "…" : ""}`
}
