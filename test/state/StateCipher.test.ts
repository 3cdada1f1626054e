import { assert, describe, it } from "@effect/vitest"
import { makeStateCipher } from "../../src/state/StateCipher.ts"

const cipher = makeStateCipher(crypto.getRandomValues(new Uint8Array(32)))

describe("StateCipher", () => {
  it("opens what it sealed, in its context only", () => {
    const sealed = cipher.seal("tool result: ünïcødé", "s1\u0000stream")
    assert.notInclude(Buffer.from(sealed, "base64").toString("latin1"), "tool result")
    assert.strictEqual(cipher.open(sealed, "s1\u0000stream"), "tool result: ünïcødé")
    assert.isUndefined(cipher.open(sealed, "s2\u0000stream"))
  })

  it("a fresh IV per seal, and a flipped bit or a truncation does not open", () => {
    const first = cipher.seal("same", "c")
    assert.notStrictEqual(cipher.seal("same", "c"), first)
    const bytes = Buffer.from(first, "base64")
    bytes[14] = (bytes[14] ?? 0) ^ 1
    assert.isUndefined(cipher.open(bytes.toString("base64"), "c"))
    assert.isUndefined(cipher.open(first.slice(0, 10), "c"))
    assert.isUndefined(makeStateCipher(crypto.getRandomValues(new Uint8Array(32))).open(first, "c"))
  })
})
