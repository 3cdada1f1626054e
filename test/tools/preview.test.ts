/**
 * Previews and lengths are counted in place (no array of characters per note); they must say
 * exactly what splitting into code points said, for any text, surrogates and all.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { lengthOf, previewChars, previewOf } from "../../src/tools/kit/textPreview.ts"

const previewBySplitting = (text: string) => {
  const chars = Array.from(text)
  if (chars.length <= previewChars) return text
  const head = chars.slice(0, previewChars).join("")
  const lastSpace = head.lastIndexOf(" ")
  return `${lastSpace > previewChars - 40 ? head.slice(0, lastSpace) : head}…`
}

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 600 }),
  fc.string({ unit: fc.constantFrom("a", " ", "\ud83d\ude00", "\ud800", "\udc00", "é"), maxLength: 600 })
)

describe("preview", () => {
  it("agrees with splitting into code points", () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(previewOf(value)).toBe(previewBySplitting(value))
        expect(lengthOf(value)).toBe(Array.from(value).length)
      }),
      { numRuns: 2000 }
    )
  })

  it("a 20 KB text: a ~280-character preview and its full length", () => {
    const long = "word ".repeat(4000)
    expect(lengthOf(long)).toBe(20_000)
    expect(previewOf(long).length).toBeLessThanOrEqual(previewChars + 1)
    expect(previewOf(long).endsWith("…")).toBe(true)
  })
})
