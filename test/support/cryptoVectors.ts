/**
 * The byte-exact field-encryption contract, decoded. `crypto-vectors.json` next to this file is a
 * verbatim copy of the shared fixture, kept in the repository so the tests run on a clean clone;
 * refresh it from the fixture rather than editing it. Also exports the fixed test keys.
 */
import { Effect, Either, Encoding, Schema } from "effect"
import { Crypto } from "../../src/keys/Crypto.ts"
import raw from "./crypto-vectors.json" with { type: "json" }

const KeyName = Schema.Literal("k1", "k2")

const Vectors = Schema.Struct({
  keys: Schema.Struct({ k1: Schema.String, k2: Schema.String }),
  vectors: Schema.Array(Schema.Struct({
    name: Schema.String,
    key: KeyName,
    iv: Schema.String,
    plaintext: Schema.Unknown,
    wire: Schema.String
  })),
  mustFail: Schema.Array(Schema.Struct({ name: Schema.String, key: KeyName, wire: Schema.String })),
  passThrough: Schema.Array(Schema.Unknown)
})

export const cryptoVectors = Schema.decodeUnknownSync(Vectors)(raw)

/** Standard base64 to bytes; the fixture is trusted, so a bad value is a broken fixture (defect). */
export const bytes = (base64: string): Uint8Array =>
  Either.getOrThrowWith(Encoding.decodeBase64(base64), () => new Error("fixture is not base64"))

/** Imports fixture key `k1`/`k2` through the Crypto service under test. */
export const fixtureKey = (name: "k1" | "k2") =>
  Effect.flatMap(Crypto, (crypto) => crypto.importKey(bytes(cryptoVectors.keys[name])))
