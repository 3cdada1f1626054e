/**
 * Password hashing for the dev mana-auth stand-in: PBKDF2-SHA256 with a random salt through Web
 * Crypto, so the same code runs under Bun and Node. The dev data file therefore never holds a
 * plaintext password, even for the seeded accounts. Not responsible for password policy (length
 * rules live with the register route).
 */
import { Effect, Encoding } from "effect"

const iterations = 100_000
const scheme = "pbkdf2-sha256"
const encoder = new TextEncoder()

const derive = (password: string, salt: Uint8Array, rounds: number) =>
  Effect.tryPromise({
    try: async () => {
      const material = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"])
      const bits = await crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(salt), iterations: rounds },
        material,
        256
      )
      return new Uint8Array(bits)
    },
    catch: (cause) => new Error(`PBKDF2 is unavailable in this runtime: ${String(cause)}`)
  }).pipe(Effect.orDie)

/** `pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>`. */
export const hashPassword = (password: string): Effect.Effect<string> =>
  Effect.gen(function*() {
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const hash = yield* derive(password, salt, iterations)
    return `${scheme}$${iterations}$${Encoding.encodeBase64Url(salt)}$${Encoding.encodeBase64Url(hash)}`
  })

/** True when `password` matches `stored`; a malformed stored hash never matches. */
export const verifyPassword = (password: string, stored: string): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    const [name, rounds, saltText, hashText] = stored.split("$")
    const salt = Encoding.decodeBase64Url(saltText ?? "")
    const expected = Encoding.decodeBase64Url(hashText ?? "")
    const count = Number(rounds)
    if (name !== scheme || !Number.isInteger(count) || count <= 0 || salt._tag === "Left" || expected._tag === "Left") {
      return false
    }
    const actual = yield* derive(password, salt.right, count)
    // Constant-time comparison: the stand-in should not teach timing-leaky habits.
    let diff = actual.length ^ expected.right.length
    for (let i = 0; i < actual.length; i++) diff |= (actual[i] ?? 0) ^ (expected.right[i] ?? 0)
    return diff === 0
  })
