/**
 * PKCE (RFC 7636) as OAuth 2.1 requires it: S256 only. Checks the shape of a challenge at
 * `/authorize` and a verifier against it at `/token`, comparing in constant time.
 */
import { Effect, Encoding } from "effect"

/** 43–128 characters of the unreserved set (RFC 7636 §4.1). */
const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/
/** BASE64URL(SHA-256(verifier)): always 43 characters without padding. */
const challengePattern = /^[A-Za-z0-9\-_]{43}$/

export const isS256Challenge = (challenge: string): boolean => challengePattern.test(challenge)

/** True when `verifier` is well-formed and hashes to `challenge`. */
export const verifierMatches = (verifier: string, challenge: string): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    if (!verifierPattern.test(verifier)) return false
    const digest = yield* Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)))
    const computed = Encoding.encodeBase64Url(new Uint8Array(digest))
    let diff = computed.length ^ challenge.length
    for (let i = 0; i < computed.length; i++) diff |= computed.charCodeAt(i) ^ challenge.charCodeAt(i)
    return diff === 0
  })
