/**
 * Crypto: the field-encryption wire format shared with the Mana web app (docs/upstreams.md §5),
 * byte for byte: `enc:1:` + base64(iv) + `.` + base64(ciphertext‖tag), AES-GCM-256, 12-byte IV,
 * no AAD, plaintext = UTF-8 `JSON.stringify(value)`, standard base64 with padding. Only Web Crypto
 * (`crypto.subtle`) does cryptography here. This file does not know where keys come from
 * (`MasterKeys.ts`) nor which fields of which table are encrypted (the tools say so).
 */
import { Context, Effect, Either, Encoding, Layer } from "effect"
import { DecryptError, InvalidKeyError } from "./CryptoErrors.ts"

const prefix = "enc:1:"
const ivBytes = 12
const tagBytes = 16
const keyBytes = 32
// Strict standard base64 with padding: Effect's decoder alone tolerates line breaks.
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

export interface CryptoShape {
  /** Imports a raw AES-256 key as non-extractable (encrypt+decrypt). Fails with `InvalidKeyError` unless 32 bytes. */
  readonly importKey: (raw: Uint8Array) => Effect.Effect<CryptoKey, InvalidKeyError>
  /** Encrypts one value into an `enc:1:` string; `null`/`undefined` come back unchanged. Never fails for JSON data. */
  readonly encrypt: (key: CryptoKey, value: unknown) => Effect.Effect<string | null | undefined>
  /** Decrypts an `enc:1:` string; any other value passes through unchanged. Fails with `DecryptError`. */
  readonly decrypt: (key: CryptoKey, wire: unknown) => Effect.Effect<unknown, DecryptError>
  /** Returns a copy of `record` with each listed field that is present encrypted. */
  readonly encryptFields: (
    key: CryptoKey,
    record: Readonly<Record<string, unknown>>,
    fields: ReadonlyArray<string>
  ) => Effect.Effect<Record<string, unknown>>
  /**
   * `decryptFields` over many records, each remembered per (key, record object): the read cache
   * hands out the same object for a record until it changes, so an unchanged record is decrypted
   * once, not on every list; only the others go to Web Crypto (8 at a time). Failures are
   * remembered too. Results are in input order and shared between calls: do not mutate them.
   * What is kept is reachable only through `key` (docs/security.md, "Decrypted values in memory").
   */
  readonly decryptEach: (
    key: CryptoKey,
    records: ReadonlyArray<Readonly<Record<string, unknown>>>,
    fields: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<Either.Either<Readonly<Record<string, unknown>>, DecryptError>>>
  /** Returns a copy of `record` with each listed field decrypted. Fails with `DecryptError` naming the field. */
  readonly decryptFields: (
    key: CryptoKey,
    record: Readonly<Record<string, unknown>>,
    fields: ReadonlyArray<string>
  ) => Effect.Effect<Record<string, unknown>, DecryptError>
}

/** A failure that only a bug can cause (a non-JSON value, a key without the usages): a defect, without content. */
class CryptoDefect extends Error {
  constructor(operation: string) {
    super(`field ${operation} failed unexpectedly`)
    this.name = "CryptoDefect"
  }
}

const decodeBase64 = (text: string): Either.Either<Uint8Array<ArrayBuffer>, DecryptError> =>
  base64Pattern.test(text)
    ? Either.match(Encoding.decodeBase64(text), {
      onLeft: () => Either.left(new DecryptError({ reason: "bad-base64" })),
      onRight: (bytes) => Either.right(Uint8Array.from(bytes))
    })
    : Either.left(new DecryptError({ reason: "bad-base64" }))

const parseWire = (
  wire: string
): Either.Either<{ iv: Uint8Array<ArrayBuffer>; sealed: Uint8Array<ArrayBuffer> }, DecryptError> => {
  const parts = wire.slice(prefix.length).split(".")
  if (parts.length !== 2) return Either.left(new DecryptError({ reason: "malformed" }))
  const [ivText = "", sealedText = ""] = parts
  return Either.flatMap(
    decodeBase64(ivText),
    (iv) =>
      Either.flatMap(decodeBase64(sealedText), (sealed) =>
        iv.length === ivBytes && sealed.length >= tagBytes
          ? Either.right({ iv, sealed })
          : Either.left(new DecryptError({ reason: "malformed" })))
  )
}

const make = (nextIv: Effect.Effect<Uint8Array>): CryptoShape => {
  const importKey = (raw: Uint8Array) =>
    raw.length !== keyBytes
      ? Effect.fail(new InvalidKeyError({ length: raw.length }))
      : Effect.tryPromise({
        try: () =>
          crypto.subtle.importKey("raw", Uint8Array.from(raw), { name: "AES-GCM", length: 256 }, false, [
            "encrypt",
            "decrypt"
          ]),
        catch: () => new CryptoDefect("key import")
      }).pipe(Effect.orDie)

  const encrypt = (key: CryptoKey, value: unknown): Effect.Effect<string | null | undefined> => {
    if (value === null || value === undefined) return Effect.succeed(value)
    return Effect.gen(function*() {
      const iv = Uint8Array.from(yield* nextIv)
      if (iv.length !== ivBytes) return yield* Effect.die(new CryptoDefect("IV generation"))
      const json = yield* Effect.try({ try: () => JSON.stringify(value), catch: () => new CryptoDefect("encryption") })
      if (typeof json !== "string") return yield* Effect.die(new CryptoDefect("encryption"))
      const sealed = yield* Effect.tryPromise({
        try: () => crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(json)),
        catch: () => new CryptoDefect("encryption")
      })
      return `${prefix}${Encoding.encodeBase64(iv)}.${Encoding.encodeBase64(new Uint8Array(sealed))}`
    }).pipe(Effect.orDie)
  }

  const decrypt = (key: CryptoKey, wire: unknown): Effect.Effect<unknown, DecryptError> => {
    if (typeof wire !== "string" || !wire.startsWith(prefix)) return Effect.succeed(wire)
    return Effect.gen(function*() {
      const { iv, sealed } = yield* parseWire(wire)
      const plain = yield* Effect.tryPromise({
        try: () => crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, sealed),
        catch: () => new DecryptError({ reason: "authentication-failed" })
      })
      return yield* Effect.try({
        // `fatal` so invalid UTF-8 is rejected rather than silently replaced.
        try: (): unknown => JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain)),
        catch: () => new DecryptError({ reason: "not-json" })
      })
    })
  }

  const encryptFields: CryptoShape["encryptFields"] = (key, record, fields) =>
    Effect.gen(function*() {
      const out: Record<string, unknown> = { ...record }
      for (const field of fields) {
        if (field in record) out[field] = yield* encrypt(key, record[field])
      }
      return out
    })

  const decryptFields: CryptoShape["decryptFields"] = (key, record, fields) =>
    Effect.gen(function*() {
      const out: Record<string, unknown> = { ...record }
      for (const field of fields) {
        if (field in record) {
          out[field] = yield* decrypt(key, record[field]).pipe(
            Effect.mapError((error) => new DecryptError({ reason: error.reason, field }))
          )
        }
      }
      return out
    })

  // Keyed first by the CryptoKey object, held strongly only by MasterKeys' cache entry: when that
  // entry expires (5 min) or is evicted, every value decrypted with the key becomes unreachable
  // with it. Keyed then by the read cache's record object: a changed or evicted record drops out.
  type Decrypted = Either.Either<Readonly<Record<string, unknown>>, DecryptError>
  const memo = new WeakMap<
    CryptoKey,
    WeakMap<object, { readonly fields: ReadonlyArray<string>; readonly result: Decrypted }>
  >()
  const decryptEach: CryptoShape["decryptEach"] = (key, records, fields) =>
    Effect.suspend(() => {
      let byRecord = memo.get(key)
      if (byRecord === undefined) {
        byRecord = new WeakMap()
        memo.set(key, byRecord)
      }
      const known = byRecord
      const results: Array<Decrypted | undefined> = records.map((record) => {
        const hit = known.get(record)
        return hit !== undefined && hit.fields === fields ? hit.result : undefined
      })
      const missing = records.flatMap((_, index) => (results[index] === undefined ? [index] : []))
      const complete = () => results.flatMap((result) => (result === undefined ? [] : [result]))
      if (missing.length === 0) return Effect.succeed(complete())
      return Effect.forEach(missing, (index) => {
        const record = records[index] ?? {}
        return Effect.map(Effect.either(decryptFields(key, record, fields)), (result) => {
          known.set(record, { fields, result })
          results[index] = result
        })
      }, { concurrency: 8, discard: true }).pipe(Effect.map(complete))
    })

  return { importKey, encrypt, decrypt, encryptFields, decryptFields, decryptEach }
}

const randomIv = Effect.sync(() => crypto.getRandomValues(new Uint8Array(ivBytes)))

export class Crypto extends Context.Tag("mana-mcp/Crypto")<Crypto, CryptoShape>() {
  /** Production: a fresh random IV per value from `crypto.getRandomValues`. */
  static readonly layer = Layer.sync(Crypto, () => make(randomIv))
  /** Tests only: IVs come from `nextIv` (e.g. a fixed vector IV) so outputs reproduce byte for byte. */
  static readonly layerTest = (nextIv: Effect.Effect<Uint8Array>) => Layer.sync(Crypto, () => make(nextIv))
}
