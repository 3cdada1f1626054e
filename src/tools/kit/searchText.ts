/**
 * Text search as a reader expects it: case-insensitive with full Unicode case folding and
 * compatibility normalisation, so `STRASSE` finds `Straße` (ß folds to "ss"), `FILM` finds `ﬁlm`
 * and a decomposed `é` finds a composed one. Folding is NFKC, then upper case (the full mappings:
 * ß → SS, ﬁ → FI), then lower case. ASCII text only needs lower-casing, so it skips the rest. The
 * substring semantics of the search tools are unchanged. Pure.
 */

const ascii = /^[\x00-\x7f]*$/

/** `text` folded for comparison; compare folded needles with folded haystacks only. */
export const foldForSearch = (text: string): string =>
  ascii.test(text) ? text.toLowerCase() : text.normalize("NFKC").toUpperCase().toLowerCase()

/** A matcher for one query: true when any of the texts contains it (an empty query matches everything). */
export const textMatcher = (query: string) => {
  const needle = foldForSearch(query.trim())
  return {
    /** The folded query, e.g. for a cursor's filter fingerprint. */
    needle,
    matches: (...texts: ReadonlyArray<string | null | undefined>): boolean =>
      needle === "" || texts.some((text) => text !== null && text !== undefined && foldForSearch(text).includes(needle))
  }
}
