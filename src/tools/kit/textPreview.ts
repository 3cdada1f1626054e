/**
 * Previews of long text in list and search results: about 280 characters, cut at a word boundary
 * when one is near, with the full length (in characters) so the agent knows whether to call the
 * module's `get` tool for the whole text.
 */
import { Schema } from "effect"

export const previewChars = 280

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff

/** Code points (a surrogate pair is one; a lone surrogate is one), as `Array.from` splits. */
const stepAt = (text: string, index: number) =>
  isHigh(text.charCodeAt(index)) && index + 1 < text.length && isLow(text.charCodeAt(index + 1)) ? 2 : 1

/**
 * The first ~280 characters of `text`, ending in "…" when cut. Counted in place: splitting a
 * 20 KB note into an array of characters (twice per listed note) cost more than the whole search.
 */
export const previewOf = (text: string): string => {
  let index = 0
  for (let count = 0; count < previewChars; count++) {
    if (index >= text.length) return text
    index += stepAt(text, index)
  }
  if (index >= text.length) return text
  const head = text.slice(0, index)
  const lastSpace = head.lastIndexOf(" ")
  return `${lastSpace > previewChars - 40 ? head.slice(0, lastSpace) : head}…`
}

/** The length of `text` in characters (code points), as the preview counts them. */
export const lengthOf = (text: string): number => {
  let count = 0
  for (let index = 0; index < text.length; index += stepAt(text, index)) count++
  return count
}

export const PreviewLength = Schema.Int.annotations({
  description: "Length of the full text in characters; the preview is cut when this exceeds about 280"
})
