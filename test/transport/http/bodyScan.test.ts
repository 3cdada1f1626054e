/**
 * The streaming scan refuses a body over a structural limit before it is parsed, and never
 * refuses one `requestLimits.ts` would let through: whatever it cannot tell is left to the parse.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeBodyScanner, type ScanTrip } from "../../../src/transport/http/bodyScan.ts"
import { refuseOversized } from "../../../src/transport/http/requestLimits.ts"

const encoder = new TextEncoder()

/** Feeds `text` in chunks of `size` bytes; the trip and how many bytes were fed when it came. */
const scan = (text: string, size = 4096) => {
  const bytes = encoder.encode(text)
  const scanner = makeBodyScanner()
  for (let at = 0; at < bytes.length; at += size) {
    const trip = scanner.feed(bytes.subarray(at, at + size))
    if (trip !== undefined) return { trip, fed: Math.min(at + size, bytes.length), total: bytes.length }
  }
  return { trip: scanner.end(), fed: bytes.length, total: bytes.length }
}

const manyKeys = (count: number) => {
  const args: Record<string, number> = {}
  for (let i = 0; i < count; i++) args[`k${i.toString(36)}`] = 1
  return args
}

const call = (args: unknown, id: unknown = 7) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "habits.create", arguments: args }
})

const tripOf = (text: string): ScanTrip | undefined => scan(text).trip

describe("bodyScan", () => {
  it("290 000 argument keys: refused with the message's id long before the body's end", () => {
    const { fed, total, trip } = scan(JSON.stringify(call(manyKeys(290_000))))
    expect(trip).toEqual({ _tag: "TooManyKeys", batch: false, id: 7 })
    expect(fed).toBeLessThan(total / 50)
  })

  it("the SDK's order (id last): refused once the id is known, at the message's end", () => {
    const body = JSON.stringify({
      method: "tools/call",
      params: { arguments: manyKeys(2000) },
      jsonrpc: "2.0",
      id: "a"
    })
    expect(tripOf(body)).toEqual({ _tag: "TooManyKeys", batch: false, id: "a" })
  })

  it("1000 keys pass; keys outside tools/call arguments, or in another method, are the parse's business", () => {
    expect(tripOf(JSON.stringify(call(manyKeys(1000))))).toBeUndefined()
    expect(tripOf(JSON.stringify(call({ nested: manyKeys(5000) })))).toBeUndefined()
    expect(tripOf(JSON.stringify({ ...call(manyKeys(5000)), method: "prompts/get" }))).toBeUndefined()
  })

  it("a batch with one oversized call: refused as a batch", () => {
    const body = JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }, call(manyKeys(1500), 2)])
    expect(tripOf(body)).toMatchObject({ _tag: "TooManyKeys", batch: true })
  })

  it("nesting past 64 levels: refused with the id; 40 levels inside arguments are left to the tool", () => {
    const deep = (levels: number) =>
      `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"journal.add","arguments":{"tags":${
        "[".repeat(levels)
      }${"]".repeat(levels)}}}}`
    expect(tripOf(deep(100_000))).toEqual({ _tag: "TooDeep", batch: false, id: 9 })
    expect(tripOf(deep(40))).toBeUndefined()
  })

  it("strings with braces, quotes and escapes do not count as structure", () => {
    const args = { text: "{[\"}]\\\"", "a\"b": "}}}}", "{": "[[[[" }
    expect(tripOf(JSON.stringify(call(args)))).toBeUndefined()
    const tricky = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`"{${i}\\`, "]}"]))
    expect(tripOf(JSON.stringify(call(tricky)))).toEqual({ _tag: "TooManyKeys", batch: false, id: 7 })
  })

  it("agrees with the limit on the parsed message, for any JSON and any chunking", () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6 }),
        fc.integer({ min: 0, max: 1500 }),
        fc.integer({ min: 1, max: 64 }),
        (value, keys, size) => {
          const args = typeof value === "object" && value !== null && !Array.isArray(value)
            ? { ...value, ...manyKeys(keys) }
            : manyKeys(keys)
          const text = JSON.stringify(call(args, keys))
          const trip = scan(text, size).trip
          const refused = refuseOversized(JSON.parse(text)) !== undefined
          expect(trip !== undefined).toBe(refused)
          expect(tripOf(JSON.stringify(value))).toBeUndefined()
        }
      ),
      { numRuns: 200 }
    )
  })
})
