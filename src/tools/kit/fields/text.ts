/**
 * Text fields. Lengths are counted in code points (an emoji is one character), as JSON Schema's
 * `minLength`/`maxLength` are. Refused: C0/C1 control characters (newline and tab are allowed in
 * multi-line text), unpaired surrogates (not valid Unicode, the web app cannot store them) and
 * bidirectional overrides/isolates (they make text display differently from what it says).
 * Single-line text is trimmed before it is checked, so a title is never blank or padded.
 */
import { Schema } from "effect"
import { AcceptsId } from "./accepts.ts"

export interface TextOptions {
  readonly min: number
  readonly max: number
  /** Long text: newline and tab allowed, kept as sent (not trimmed). */
  readonly multiline?: boolean
  readonly description: string
}

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`

const isBidiControl = (code: number) => (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)

/** The first problem with `text`, or undefined. One pass, stops early; never copies the string. */
export const textProblem = (text: string, options: Pick<TextOptions, "min" | "max" | "multiline">) => {
  // Every code point is one or two UTF-16 units: far too long is known without scanning.
  if (text.length > options.max * 2) return `is longer than ${options.max} characters (${text.length} UTF-16 units)`
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    count++
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
      return `contains an unpaired surrogate (${hex(code)}) at character ${count}`
    }
    if (code >= 0xdc00 && code <= 0xdfff) return `contains an unpaired surrogate (${hex(code)}) at character ${count}`
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      if (options.multiline === true && (code === 0x0a || code === 0x09)) continue
      return `contains the control character ${hex(code)} at character ${count}`
    }
    if (isBidiControl(code)) return `contains the bidirectional control ${hex(code)} at character ${count}`
  }
  if (count > options.max) return `is ${count} characters long`
  if (count < options.min) return options.min === 1 ? "is empty or only spaces" : `is ${count} characters long`
  if (options.min > 0 && text.trim() === "") return "is blank"
  return undefined
}

const bounds = (min: number, max: number) => min > 0 ? `${min}–${max} characters` : `at most ${max} characters`

/** What a text field accepts, in words (quoted by input errors). */
export const textAccepts = (options: Pick<TextOptions, "min" | "max" | "multiline">) =>
  `text of ${bounds(options.min, options.max)}${options.min > 0 ? ", not blank" : ""}${
    options.multiline === true
      ? "; line breaks and tabs allowed, other control characters not"
      : ", no control characters"
  }`

/** A text field; single-line text is trimmed first. The JSON Schema states the bounds. */
export const text = (options: TextOptions) => {
  const accepts = textAccepts(options)
  const checked = Schema.String.pipe(
    Schema.filter((value) => textProblem(value, options) ?? true)
  )
  const encoded = Schema.String.annotations({
    jsonSchema: { type: "string", minLength: options.min, maxLength: options.max }
  })
  const field = options.multiline === true
    ? Schema.compose(encoded, checked)
    : Schema.transform(encoded, checked, { strict: true, decode: (value) => value.trim(), encode: (value) => value })
  return field.annotations({ description: options.description, [AcceptsId]: accepts })
}

/** A one-line title: trimmed, 1–`max` characters, not blank. */
export const title = (max: number, description: string) => text({ min: 1, max, description })
