/**
 * Benchmark 3, auth verification cache: 2026-07-28 `tools/list` over raw HTTP with the same JWT
 * every time (a token-cache hit: one SHA-256) vs. a fresh JWT every time (jose's Ed25519
 * verification). Ceiling: the `/health` round trip, which does no auth at all. Also times the
 * verification alone in this process, to tell the cache's saving apart from HTTP noise.
 */
import { Schema } from "effect"
import * as Jose from "jose"
import { loginUser, registerUser } from "../test/support/devUsers.ts"
import { headersFor } from "../test/support/mcpClients.ts"
import { type Benchmark, ratio, rawModern, withGateway } from "./harness.ts"
import { measureInterleaved, summarize, timeOnce } from "./stats.ts"

const rounds = { warmup: 20, reps: 150 }
const password = "correct-horse-battery"
const LOGIN_CONCURRENCY = 4

/** `count` distinct JWTs of one user (each login is a new session, so a new `sid` and signature). */
const mintTokens = async (authUrl: string, email: string, count: number) => {
  const tokens: Array<string> = []
  while (tokens.length < count) {
    const batch = Math.min(LOGIN_CONCURRENCY, count - tokens.length)
    const users = await Promise.all(Array.from({ length: batch }, () => loginUser(authUrl, email, password)))
    tokens.push(...users.map((user) => user.accessToken))
  }
  if (new Set(tokens).size !== tokens.length) throw new Error("logins returned a repeated token")
  return tokens
}

const Jwks = Schema.Struct({
  keys: Schema.Array(Schema.Struct({
    kty: Schema.String,
    crv: Schema.optional(Schema.String),
    x: Schema.optional(Schema.String),
    kid: Schema.optional(Schema.String),
    alg: Schema.optional(Schema.String)
  }))
})

const sha256 = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))

export const authCache: Benchmark = {
  id: "auth-cache",
  title: "Auth verification cache: same token vs. a fresh token per request",
  run: () =>
    withGateway(async (gateway) => {
      const user = await registerUser(gateway.authUrl)
      const fresh = await mintTokens(gateway.authUrl, user.email, rounds.warmup + rounds.reps)
      const health = `${gateway.baseUrl}/health`
      const same = headersFor({ token: user.accessToken, spaceId: user.personalSpaceId })
      let next = 0
      const freshHeaders = () => {
        const token = fresh[next++]
        if (token === undefined) throw new Error("out of fresh tokens")
        return headersFor({ token, spaceId: user.personalSpaceId })
      }
      const r = await measureInterleaved({
        health: async () => {
          const response = await fetch(health)
          if (!response.ok) throw new Error(`/health ${response.status}`)
          await response.arrayBuffer()
        },
        cached: () => rawModern(gateway.mcpUrl, same, "tools/list"),
        fresh: () => rawModern(gateway.mcpUrl, freshHeaders(), "tools/list")
      }, rounds)

      // The verification step alone, in this process (same Bun, same jose), with a local key set.
      const keySet = Schema.decodeUnknownSync(Jwks)(await (await fetch(`${gateway.authUrl}/api/auth/jwks`)).json())
      const jwks = Jose.createLocalJWKSet({ keys: keySet.keys.map((key) => ({ ...key }) as Jose.JWK) })
      const verifyOptions = { algorithms: ["EdDSA"], audience: "mana", issuer: gateway.authUrl }
      const verify: Array<number> = []
      const digest: Array<number> = []
      for (const token of fresh) {
        verify.push(await timeOnce(() => Jose.jwtVerify(token, jwks, verifyOptions)))
        digest.push(await timeOnce(() => sha256(token)))
      }
      const inProcess = {
        verify: summarize(verify.slice(rounds.warmup)),
        digest: summarize(digest.slice(rounds.warmup))
      }
      return {
        params: { ...rounds, freshTokens: fresh.length },
        latencies: [
          { label: "ceiling: GET /health (no auth)", summary: r.health },
          { label: "tools/list, same token (cache hit)", summary: r.cached },
          { label: "tools/list, fresh token (Ed25519 verify)", summary: r.fresh },
          { label: "in-process: jose.jwtVerify (EdDSA, local JWKS)", summary: inProcess.verify },
          { label: "in-process: SHA-256 of the token (cache key)", summary: inProcess.digest }
        ],
        throughputs: [],
        ratios: [
          {
            label: "cached ÷ /health",
            value: ratio(r.cached, r.health),
            meaning: "whole authenticated MCP request in /health round trips"
          },
          {
            label: "fresh ÷ cached",
            value: ratio(r.fresh, r.cached),
            meaning: "what a token-cache miss costs per request"
          },
          {
            label: "verify ÷ SHA-256 (in-process)",
            value: ratio(inProcess.verify, inProcess.digest),
            meaning: "the work the cache saves, isolated"
          }
        ],
        notes: [
          `per-request saving of a cache hit: ${(r.fresh.medianMs - r.cached.medianMs).toFixed(3)} ms (HTTP medians), ${
            (inProcess.verify.medianMs - inProcess.digest.medianMs).toFixed(3)
          } ms (in-process)`
        ]
      }
    })
}
