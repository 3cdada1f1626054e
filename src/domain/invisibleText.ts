/**
 * Characters a reader does not see: whitespace, default-ignorable code points (zero-width spaces
 * and joiners, the Hangul fillers U+115F/U+1160/U+3164/U+FFA0, variation selectors, the whole
 * tag block U+E0000–U+E0FFF, …), other format characters (category Cf) and the blank braille
 * pattern U+2800. A title made only of them looks empty, and an instruction hidden in them (tag
 * characters mirror ASCII one to one; a U+200B inside a word splits it for a pattern but not for
 * a model) is still read by a model. The text checks (`tools/kit/fields/text.ts`) and the injection
 * scan (`policy/injectionMarkers.ts`) therefore judge text as it reads. Lookalikes are read the
 * same way: fullwidth ｉｇｎｏｒｅ, mathematical 𝐢𝐠𝐧𝐨𝐫𝐞 and the ideographic space read as
 * "ignore " to a model, so the scan also judges text in compatibility form (`foldLookalikes`). Pure.
 */

const invisible = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/u
const visible = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/u
const hiddenOne = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/u
const hiddenAll = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu

/** True when `text` has at least one character a reader sees. One pass, no copy. */
export const hasVisibleCharacter = (text: string): boolean => visible.test(text)

/** The first invisible, non-space character of `text` as `U+XXXX`, for messages; undefined when none. */
export const firstInvisible = (text: string): string | undefined => {
  for (const char of text) {
    if (invisible.test(char) && !/\s/u.test(char)) {
      return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`
    }
  }
  return undefined
}

/** True when `text` holds a hidden (not whitespace) character: only then is folding needed. */
export const hasHiddenCharacter = (text: string): boolean => hiddenOne.test(text)

const tagBase = 0xe0000

/**
 * `text` as a model may read it: tag characters U+E0020–U+E007E become the ASCII they mirror,
 * every other hidden character becomes `separator` ("" joins a split word; " " reads it as a space).
 */
export const foldHidden = (text: string, separator: "" | " "): string => {
  return text.replace(hiddenAll, (char) => {
    const code = char.codePointAt(0) ?? 0
    return code >= tagBase + 0x20 && code <= tagBase + 0x7e ? String.fromCodePoint(code - tagBase) : separator
  })
}

const nonAscii = /[^\x00-\x7f]/

/**
 * `text` with compatibility characters (fullwidth and mathematical letters, ligatures, the
 * ideographic space, …) as the plain characters they look like: NFKC. ASCII text is returned as
 * is, without a copy; hidden characters survive it (NFKC keeps them), for `foldHidden` after.
 */
export const foldLookalikes = (text: string): string => nonAscii.test(text) ? text.normalize("NFKC") : text
