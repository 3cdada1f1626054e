/**
 * Identifier and secret generators for the dev mana-auth stand-in, shaped like the real
 * service's: UUID user ids, nanoid-style organization ids, opaque session tokens and random
 * 32-byte AES keys. Randomness comes from Web Crypto; nothing here is persisted or logged.
 */
import { Effect, Encoding } from "effect"

const alphabet = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict"

/** A 21-character URL-safe id, like Better Auth's organization and member ids. */
export const nanoid: Effect.Effect<string> = Effect.sync(() =>
  Array.from(crypto.getRandomValues(new Uint8Array(21)), (byte) => alphabet[byte & 63]).join("")
)

export const uuid: Effect.Effect<string> = Effect.sync(() => crypto.randomUUID())

/** An opaque Better-Auth-style session token (not a JWT). */
export const opaqueToken: Effect.Effect<string> = Effect.sync(() =>
  Encoding.encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)))
)

/** `n` random bytes as standard, padded base64, the vault's wire encoding. */
export const randomBase64 = (n: number): Effect.Effect<string> =>
  Effect.sync(() => Encoding.encodeBase64(crypto.getRandomValues(new Uint8Array(n))))
