/**
 * Prompt-injection markers: the five patterns of the original gateway (docs/upstreams.md §6.1) and a
 * scan that walks every string nested in a decoded tool input. Pure and synchronous; it only
 * says which marker matched first. Deciding what a match means (flag, never block) is
 * `rules.ts`' job.
 *
 * Hostile input is expected here, so every quantifier is bounded: no pattern can backtrack
 * more than a small constant per start position, which keeps a scan linear in the text length.
 * Strings shorter than `minScanLength` are skipped (too short to carry an instruction), and only
 * the first `maxScanLength` characters of a longer string are scanned, so one huge argument
 * cannot make the gate slow; a marker buried past 64 KiB goes unflagged, which is acceptable for
 * a rule that only flags. Text is judged as a model reads it: a string holding hidden characters
 * (tag characters, zero-width and other format characters: `domain/invisibleText.ts`) is also
 * scanned folded — tags as the ASCII they mirror, the rest dropped (a split word joined) and, once
 * more, read as spaces (words spaced by them) — so an instruction cannot hide from the scan in
 * characters a reader does not see. Before that, non-ASCII text is folded to compatibility form
 * (NFKC: fullwidth ｉｇｎｏｒｅ reads "ignore"), so lookalike letters do not hide it either.
 * Script homoglyphs (a Cyrillic "о" in "ignоre") are not folded: NFKC keeps them apart.
 */
import { Option } from "effect"
import { foldHidden, foldLookalikes, hasHiddenCharacter } from "../domain/invisibleText.ts"

export interface InjectionMarker {
  /** Short stable name, used in logs and tests. */
  readonly name: string
  readonly pattern: RegExp
}

/** Strings shorter than this are not scanned. */
export const minScanLength = 16

/** Only this many leading characters (64 KiB of UTF-16 code units) of a string are scanned. */
export const maxScanLength = 64 * 1024

// Whitespace runs are bounded at 16 and the free text of the "you are now" and placeholder
// patterns at 40 and 128 characters: enough for every real phrasing, and a hard cap on the
// work per start position.
export const injectionMarkers: ReadonlyArray<InjectionMarker> = [
  {
    name: "ignore-previous",
    pattern: /\bignore\s{1,16}(?:(?:all|the)\s{1,16})?previous\s{1,16}(?:instructions|messages)/i
  },
  { name: "you-are-now", pattern: /you are now .{0,40}?(?:assistant|gpt|claude|gemini)/i },
  { name: "system-tag", pattern: /<\s{0,16}system\b/i },
  { name: "template-placeholder", pattern: /\{\{.{1,128}?\}\}/ },
  { name: "system-fence", pattern: /```\s{0,16}system/i }
]

export interface MarkerMatch {
  readonly marker: InjectionMarker
  /** Where the match was found, as a JSON-ish path (`notes[2].body`), for logs. */
  readonly path: string
}

const firstMarker = (scanned: string) => injectionMarkers.find((marker) => marker.pattern.test(scanned))

const capped = (text: string) => text.length > maxScanLength ? text.slice(0, maxScanLength) : text

const matchText = (text: string): Option.Option<InjectionMarker> => {
  if (text.length < minScanLength) return Option.none()
  const scanned = capped(text)
  // Folding copies the string: only for non-ASCII text, and hidden characters only when present.
  // NFKC can lengthen text (one ligature becomes up to 18 characters): capped again.
  const readable = capped(foldLookalikes(scanned))
  const found = firstMarker(scanned) ??
    (readable !== scanned ? firstMarker(readable) : undefined) ??
    (hasHiddenCharacter(readable)
      ? firstMarker(foldHidden(readable, "")) ?? firstMarker(foldHidden(readable, " "))
      : undefined)
  return Option.fromNullable(found)
}

/**
 * The first marker found in any string of `input` (objects and arrays, recursively; object keys
 * are scanned too, since a key is just as visible to the model). Walks with an explicit stack so
 * deeply nested input cannot overflow the call stack.
 */
export const findInjectionMarker = (input: unknown): Option.Option<MarkerMatch> => {
  const stack: Array<{ readonly value: unknown; readonly path: string }> = [{ value: input, path: "" }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { path, value } = item
    if (typeof value === "string") {
      const found = matchText(value)
      if (Option.isSome(found)) return Option.some({ marker: found.value, path: path === "" ? "(input)" : path })
    } else if (Array.isArray(value)) {
      // Pushed in reverse so the walk visits elements in order and "first match" is stable.
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push({ value: value[index], path: `${path}[${index}]` })
      }
    } else if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value)
      for (let index = entries.length - 1; index >= 0; index--) {
        const entry = entries[index]
        if (entry === undefined) continue
        const [key, child] = entry
        const childPath = path === "" ? key : `${path}.${key}`
        stack.push({ value: child, path: childPath })
        stack.push({ value: key, path: `${childPath}(key)` })
      }
    }
  }
  return Option.none()
}
