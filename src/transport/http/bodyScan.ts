/**
 * A linear scan over a `/mcp` body's bytes as they stream in, so a body over a structural limit is
 * refused before it is parsed (a 3.4 MB body with 290 000 argument keys cost ~250 ms of
 * `JSON.parse` and twice that in objects; the scan builds nothing). It tracks only nesting, and at
 * the message level the `method`, the `id` and the key count of `params.arguments`. It never
 * validates: anything it does not recognise (escaped key names, a key count on a message whose
 * method comes later and is not `tools/call`) is left to the full parse and `requestLimits.ts`, so
 * a body the scan lets through gets exactly today's answer.
 */
import { maxArgumentProperties, maxMessageDepth } from "./messageLimits.ts"

export type ScanTrip =
  | { readonly _tag: "TooDeep"; readonly batch: boolean; readonly id: unknown }
  | { readonly _tag: "TooManyKeys"; readonly batch: boolean; readonly id: unknown }

const quote = 0x22
const backslash = 0x5c
const captureLimit = 128
const openObject = 0x7b
const openArray = 0x5b

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
const isDelimiter = (byte: number) => byte === 0x2c || byte === 0x7d || byte === 0x5d || byte === 0x3a || isSpace(byte)

const parsedId = (raw: string): unknown => {
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

export interface BodyScanner {
  /** Scans the next chunk; a trip as soon as a limit is broken and the answer is known. */
  readonly feed: (chunk: Uint8Array) => ScanTrip | undefined
  /** The body ended: a trip still waiting for its message's id is answered now (id null if none). */
  readonly end: () => ScanTrip | undefined
}

export const makeBodyScanner = (): BodyScanner => {
  /** Kinds of the open containers (object or array), indexed by depth. */
  const kinds: Array<number> = []
  const keyAt: Array<string | undefined> = []
  let depth = 0
  let expectKey = false
  let inString = false
  let escaped = false
  let bare = false
  // What the current string or bare token is captured as: nothing, a key, the method or the id.
  let capture: "none" | "key" | "method" | "id" = "none"
  let captured = ""
  // Per message (depth 1, or 2 inside a batch).
  let messageDepth = 0
  let method: string | undefined
  let id: unknown
  let idKnown = false
  let argumentsDepth = 0
  let argumentKeys = 0
  let tooDeep = false
  let tooManyKeys = false

  const batch = () => messageDepth === 2
  const tripNow = (): ScanTrip | undefined => {
    const known = batch() || idKnown
    if (tooDeep && known) return { _tag: "TooDeep", batch: batch(), id: idKnown ? id : null }
    if (tooManyKeys && method === "tools/call" && known) {
      return { _tag: "TooManyKeys", batch: batch(), id: idKnown ? id : null }
    }
    return undefined
  }

  const endCapture = () => {
    const value = captured
    const role = capture
    capture = "none"
    captured = ""
    if (role === "key") keyAt[depth] = value.length > 32 ? undefined : value
    else if (role === "method") method = value.startsWith("\"") ? value.slice(1, -1) : undefined
    else if (role === "id" && value.length < captureLimit) {
      id = parsedId(value)
      idKnown = true
    }
  }

  /** A value starts at the current depth: capture it when it is the message's method or id. */
  const valueRole = (): "none" | "method" | "id" => {
    if (depth !== messageDepth || kinds[depth] !== openObject) return "none"
    const key = keyAt[depth]
    return key === "method" ? "method" : key === "id" ? "id" : "none"
  }

  const open = (kind: number): ScanTrip | undefined => {
    const parentKey = kinds[depth] === openObject ? keyAt[depth] : undefined
    depth++
    if (depth > maxMessageDepth) {
      tooDeep = true
      return tripNow()
    }
    kinds[depth] = kind
    keyAt[depth] = undefined
    expectKey = kind === openObject
    if (depth === 1) messageDepth = kind === openObject ? 1 : 2
    if (depth === messageDepth && kind === openObject) {
      method = undefined
      id = undefined
      idKnown = false
      argumentsDepth = 0
      argumentKeys = 0
      tooManyKeys = false
    }
    if (
      kind === openObject && depth === messageDepth + 2 && parentKey === "arguments" &&
      keyAt[messageDepth] === "params"
    ) {
      argumentsDepth = depth
      argumentKeys = 0
    }
    return undefined
  }

  const close = (): ScanTrip | undefined => {
    if (depth === messageDepth && kinds[depth] === openObject) {
      // The message ended: a pending trip is answered with the id it has (null without one).
      const known = idKnown
      idKnown = true
      if (!known) id = null
      const trip = tripNow()
      if (trip !== undefined) return trip
      idKnown = known
    }
    if (depth === argumentsDepth) argumentsDepth = 0
    if (depth > 0) depth--
    expectKey = false
    return undefined
  }

  const feed = (chunk: Uint8Array): ScanTrip | undefined => {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!
      if (inString) {
        if (escaped) escaped = false
        else if (byte === backslash) escaped = true
        else if (byte === quote) {
          inString = false
          if (capture === "none") continue
          if (capture === "method" || capture === "id") captured += "\""
          endCapture()
          const trip = tooDeep || tooManyKeys ? tripNow() : undefined
          if (trip !== undefined) return trip
          continue
        }
        if (capture !== "none" && captured.length < captureLimit) captured += String.fromCharCode(byte)
        continue
      }
      if (bare) {
        if (!isDelimiter(byte)) {
          if (captured.length < captureLimit) captured += String.fromCharCode(byte)
          continue
        }
        bare = false
        if (capture !== "none") {
          endCapture()
          const trip = tooDeep || tooManyKeys ? tripNow() : undefined
          if (trip !== undefined) return trip
        }
      }
      if (depth > maxMessageDepth) {
        // Past the bound only the depth and the message's end matter.
        if (byte === openObject || byte === openArray) depth++
        else if (byte === 0x7d || byte === 0x5d) depth--
        else if (byte === quote) {
          inString = true
          capture = "none"
        }
        continue
      }
      let trip: ScanTrip | undefined
      switch (byte) {
        case quote:
          inString = true
          if (expectKey && kinds[depth] === openObject) {
            if (depth === argumentsDepth && ++argumentKeys > maxArgumentProperties) tooManyKeys = true
            capture = depth <= messageDepth + 1 ? "key" : "none"
            if (capture === "none" && tooManyKeys) trip = tripNow()
          } else {
            capture = valueRole()
            if (capture !== "none") captured = "\""
          }
          break
        case openObject:
        case openArray:
          trip = open(byte)
          break
        case 0x7d:
        case 0x5d:
          trip = close()
          break
        case 0x3a:
          expectKey = false
          break
        case 0x2c:
          expectKey = kinds[depth] === openObject
          break
        default:
          if (!isSpace(byte)) {
            bare = true
            capture = valueRole()
            captured = String.fromCharCode(byte)
          }
      }
      if (trip !== undefined) return trip
    }
    return undefined
  }

  const end = () => {
    if (bare && capture !== "none") endCapture()
    if (!tooDeep && !tooManyKeys) return undefined
    idKnown = true
    if (id === undefined) id = null
    return tripNow()
  }

  return { feed, end }
}
