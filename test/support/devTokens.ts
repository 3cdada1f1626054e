/**
 * Access tokens minted with the dev mana-auth's own signing key (read from a started gateway's
 * data dir), so an end-to-end test controls exactly the claims it is about — audience, expiry,
 * `scope` (with a `client_id`, as an OAuth grant has), `mana_space` — for the dev user.
 */
import * as Jose from "jose"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import type { Gateway } from "./gateway.ts"

export interface MintClaims {
  /** Default: the gateway's own resource URL. */
  readonly aud?: string
  readonly scope?: string
  readonly mana_space?: string
  /** Seconds from now; negative for an expired token. Default 900. */
  readonly expiresIn?: number
}

export const devTokenMinter = async (gateway: Gateway) => {
  const data = JSON.parse(await readFile(join(gateway.dataDir, "auth.json"), "utf8")) as {
    signingKey: { kid: string; privateJwk: Jose.JWK }
  }
  const kid = data.signingKey.kid
  const signingKey = await Jose.importJWK(data.signingKey.privateJwk, "EdDSA")
  const userId = String(Jose.decodeJwt(gateway.devToken ?? "").sub)
  const mint = (claims: MintClaims = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000)
    return new Jose.SignJWT({
      email: "dev@mana.test",
      role: "user",
      tier: "public",
      ...(claims.scope === undefined ? {} : { scope: claims.scope, client_id: "e2e-client" }),
      ...(claims.mana_space === undefined ? {} : { mana_space: claims.mana_space })
    })
      .setProtectedHeader({ alg: "EdDSA", kid })
      .setSubject(userId)
      .setIssuer(gateway.authUrl)
      .setAudience(claims.aud ?? gateway.mcpUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + (claims.expiresIn ?? 900))
      .sign(signingKey)
  }
  return { userId, mint }
}
