/**
 * Crypto against the shared byte-exact vectors: decryption, reproduction of every wire value
 * from a fixed IV, typed failures for every corrupt value, pass-through of non-`enc:1:` values,
 * random round trips and the 32-byte key rule.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Encoding } from "effect"
import { Crypto } from "../../src/keys/Crypto.ts"
import { bytes, cryptoVectors, fixtureKey } from "../support/cryptoVectors.ts"

describe("Crypto", () => {
  for (const vector of cryptoVectors.vectors) {
    it.effect(`decrypts vector ${vector.name}`, () =>
      Effect.gen(function*() {
        const crypto = yield* Crypto
        const key = yield* fixtureKey(vector.key)
        assert.deepStrictEqual(yield* crypto.decrypt(key, vector.wire), vector.plaintext)
      }).pipe(Effect.provide(Crypto.layer)))

    it.effect(`reproduces vector ${vector.name} byte for byte from its IV`, () =>
      Effect.gen(function*() {
        const crypto = yield* Crypto
        const key = yield* fixtureKey(vector.key)
        assert.strictEqual(yield* crypto.encrypt(key, vector.plaintext), vector.wire)
      }).pipe(Effect.provide(Crypto.layerTest(Effect.succeed(bytes(vector.iv))))))
  }

  const expectedReason: Record<string, string> = {
    "wrong-key": "authentication-failed",
    "tampered-ciphertext": "authentication-failed",
    "tampered-tag": "authentication-failed",
    "tampered-iv": "authentication-failed",
    "missing-separator": "malformed",
    "truncated-below-tag": "malformed",
    "empty-body": "malformed",
    "bad-base64": "bad-base64",
    "not-json-plaintext": "not-json"
  }

  for (const bad of cryptoVectors.mustFail) {
    it.effect(`rejects ${bad.name} with a typed DecryptError`, () =>
      Effect.gen(function*() {
        const crypto = yield* Crypto
        const key = yield* fixtureKey(bad.key)
        const error = yield* Effect.flip(crypto.decrypt(key, bad.wire))
        assert.strictEqual(error._tag, "DecryptError")
        assert.strictEqual(error.reason, expectedReason[bad.name])
        const body = bad.wire.slice("enc:1:".length)
        if (body.length > 0) assert.notInclude(`${error.message} ${JSON.stringify(error)}`, body)
      }).pipe(Effect.provide(Crypto.layer)))
  }

  it.effect("passes every non-enc:1 value (and undefined) through decrypt unchanged", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k1")
      for (const value of [...cryptoVectors.passThrough, undefined]) {
        assert.strictEqual(yield* crypto.decrypt(key, value), value)
      }
    }).pipe(Effect.provide(Crypto.layer)))

  it.effect("passes null and undefined through encrypt", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k1")
      assert.strictEqual(yield* crypto.encrypt(key, null), null)
      assert.strictEqual(yield* crypto.encrypt(key, undefined), undefined)
    }).pipe(Effect.provide(Crypto.layer)))

  it.effect("round-trips random values with fresh IVs", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k2")
      const values: ReadonlyArray<unknown> = [
        "",
        "täglich 🌱",
        0,
        [{ id: "a", isCompleted: false, order: 1 }],
        { nested: { deep: [1, "two", null] } },
        Encoding.encodeBase64(globalThis.crypto.getRandomValues(new Uint8Array(64)))
      ]
      for (const value of values) {
        const first = yield* crypto.encrypt(key, value)
        const second = yield* crypto.encrypt(key, value)
        assert.match(String(first), /^enc:1:[A-Za-z0-9+/]{16}\.[A-Za-z0-9+/]+={0,2}$/)
        assert.notStrictEqual(first, second)
        assert.deepStrictEqual(yield* crypto.decrypt(key, first), value)
      }
    }).pipe(Effect.provide(Crypto.layer)))

  it.effect("encrypts and decrypts only the listed fields that are present", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k1")
      const record = { id: "t1", title: "Walk", subtasks: null, priority: "high" }
      const sealed = yield* crypto.encryptFields(key, record, ["title", "description", "subtasks"])
      assert.match(String(sealed["title"]), /^enc:1:/)
      assert.isFalse("description" in sealed)
      assert.strictEqual(sealed["subtasks"], null)
      assert.strictEqual(sealed["priority"], "high")
      assert.deepStrictEqual(yield* crypto.decryptFields(key, sealed, ["title", "description", "subtasks"]), record)
      const error = yield* Effect.flip(crypto.decryptFields(key, { title: "enc:1:bad" }, ["title"]))
      assert.strictEqual(error.field, "title")
    }).pipe(Effect.provide(Crypto.layer)))

  it.effect("imports only 32-byte keys", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      for (const length of [0, 16, 31, 33, 64]) {
        const error = yield* Effect.flip(crypto.importKey(new Uint8Array(length)))
        assert.strictEqual(error._tag, "InvalidKeyError")
      }
      const key = yield* crypto.importKey(new Uint8Array(32))
      assert.isFalse(key.extractable)
      assert.deepStrictEqual([...key.usages].sort(), ["decrypt", "encrypt"])
    }).pipe(Effect.provide(Crypto.layer)))

  describe("decryptEach", () => {
    const fields = ["title"]
    const raw = new Uint8Array(32).fill(7)

    it.effect("decrypts an unchanged record once per key, in input order, and remembers failures", () =>
      Effect.gen(function*() {
        const crypto = yield* Crypto
        const key = yield* crypto.importKey(raw)
        const a = yield* crypto.encryptFields(key, { title: "a", done: false }, fields)
        const b = { title: "enc:1:not-base64.at-all" }
        const first = yield* crypto.decryptEach(key, [a, b], fields)
        assert.deepStrictEqual(first[0], Either.right({ title: "a", done: false }))
        assert.isTrue(first[1] !== undefined && Either.isLeft(first[1]))
        const second = yield* crypto.decryptEach(key, [b, a], fields)
        // The very same results: nothing was decrypted again.
        assert.strictEqual(second[0], first[1])
        assert.strictEqual(second[1], first[0])
      }).pipe(Effect.provide(Crypto.layer)))

    it.effect("decrypts again for a changed record object and for another key object", () =>
      Effect.gen(function*() {
        const crypto = yield* Crypto
        const key = yield* crypto.importKey(raw)
        const a = yield* crypto.encryptFields(key, { title: "a" }, fields)
        const [first] = yield* crypto.decryptEach(key, [a], fields)
        const [copy] = yield* crypto.decryptEach(key, [{ ...a }], fields)
        const refetched = yield* crypto.importKey(raw)
        const [again] = yield* crypto.decryptEach(refetched, [a], fields)
        assert.deepStrictEqual([copy, again], [first, first])
        assert.notStrictEqual(copy, first)
        assert.notStrictEqual(again, first)
      }).pipe(Effect.provide(Crypto.layer)))
  })
})
