/**
 * Previews of long text in list and search results: about 280 characters, cut at a word boundary
 * when one is near, with the full length (in characters) so the agent knows whether to call the
 * module's `get` tool for the whole text.
 */
import { Schema } from "effect"

export const previewChars = 280

/** The first ~280 characters of `text`, ending in "…" when cut. */
export const previewOf = (text: string): string => {
  const chars = Array.from(text)
  if (chars.length <= previewChars) return text
  const head = chars.slice(0, previewChars).join("")
  const lastSpace = head.lastIndexOf(" ")
  return `${lastSpace > previewChars - 40 ? head.slice(0, lastSpace) : head}…`
}

/** The length of `text` in characters (code points), as the preview counts them. */
export const lengthOf = (text: string): number => Array.from(text).length

export const PreviewLength = Schema.Int.annotations({
  description: "Length of the full text in characters; the preview is cut when this exceeds about 280"
})
