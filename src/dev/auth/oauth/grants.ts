/**
 * What the dev authorization server has granted: single-use authorization codes (60 s) and
 * refresh tokens in families (30 days). Every refresh that issues tokens rotates the token (a
 * refused one leaves it as it was); presenting a rotated refresh token, or a code a second time,
 * revokes the whole family, since one of the two holders must be an attacker (OAuth 2.1 §4.3.1).
 * A refresh may narrow the scope of its access token; the refresh token keeps the whole grant.
 * Access tokens are the usual EdDSA JWTs with `aud` = the granted resource and `scope`,
 * `client_id`, `mana_space`. State is in memory (a restart means signing in again) and pruned as
 * it expires, O(1) per operation. Not responsible for HTTP or for consent.
 */
import { type Clock, Data, Duration, Effect, Either } from "effect"
import { type ManaScope, parseScope } from "../../../auth/scopes.ts"
import { nanoid, opaqueToken } from "../DevAuthIds.ts"
import type { Signer } from "../DevAuthKeys.ts"
import { verifierMatches } from "./pkce.ts"

/** What a user allowed one client: one space, some scopes, for one resource. */
export interface Grant {
  readonly userId: string
  readonly email: string
  readonly clientId: string
  readonly spaceId: string
  readonly scopes: ReadonlyArray<ManaScope>
  readonly resource: string
}

interface CodeRecord {
  readonly grant: Grant
  readonly redirectUri: string
  readonly codeChallenge: string
  readonly expiresAt: number
  readonly familyId: string
  readonly used: boolean
}

interface RefreshRecord {
  readonly grant: Grant
  readonly familyId: string
  readonly expiresAt: number
  readonly rotated: boolean
}

/** An RFC 6749 §5.2 token error (plus RFC 8707's `invalid_target`). */
export class TokenError extends Data.TaggedError("TokenError")<{
  readonly error:
    | "invalid_request"
    | "invalid_grant"
    | "invalid_scope"
    | "invalid_target"
    | "unsupported_grant_type"
    | "unauthorized_client"
    | "invalid_client"
  readonly description: string
}> {}

export interface TokenResponse {
  readonly access_token: string
  readonly token_type: "Bearer"
  readonly expires_in: number
  readonly refresh_token: string
  readonly scope: string
}

/** Drops entries from the oldest end of an insertion-ordered map while they have expired. */
const pruneExpired = <V>(map: Map<string, V>, expiresAt: (value: V) => number, now: number) => {
  for (const [key, value] of map) {
    if (expiresAt(value) > now) return
    map.delete(key)
  }
}

const codeTtl = Duration.seconds(60)
const refreshTtl = Duration.days(30)

export const makeGrants = (options: {
  readonly signer: Signer
  readonly clock: Clock.Clock
  readonly accessTokenTtl: Duration.Duration
}) =>
  Effect.gen(function*() {
    const { clock, signer } = options
    // Mutated in place inside `Effect.sync` steps (atomic: nothing else runs in between). Each is
    // insertion-ordered with one lifetime for all entries, so expiry order is insertion order and
    // pruning from the oldest end keeps every operation O(1) amortized.
    const codes = new Map<string, CodeRecord>()
    const refreshTokens = new Map<string, RefreshRecord>()
    // A revoked family matters until its last refresh token has expired: one refresh lifetime.
    const revokedFamilies = new Map<string, number>()
    const now = clock.currentTimeMillis
    const invalidGrant = (description: string) => new TokenError({ error: "invalid_grant", description })

    const revokeFamily = (familyId: string) =>
      Effect.flatMap(now, (time) =>
        Effect.sync(() => {
          pruneExpired(revokedFamilies, (until) => until, time)
          revokedFamilies.delete(familyId)
          revokedFamilies.set(familyId, time + Duration.toMillis(refreshTtl))
        }))

    /**
     * A new access token (for `scopes`, the grant's unless narrowed) and a new refresh token,
     * which always carries the whole grant: narrowing is for this access token only.
     */
    const issueTokens = (grant: Grant, familyId: string, scopes: ReadonlyArray<ManaScope> = grant.scopes) =>
      Effect.gen(function*() {
        const accessToken = yield* signer.signDelegated({
          sub: grant.userId,
          email: grant.email,
          audience: grant.resource,
          scope: scopes.join(" "),
          clientId: grant.clientId,
          spaceId: grant.spaceId
        }, options.accessTokenTtl)
        const refreshToken = yield* opaqueToken
        const time = yield* now
        yield* Effect.sync(() => {
          pruneExpired(refreshTokens, (record) => record.expiresAt, time)
          refreshTokens.set(refreshToken, {
            grant,
            familyId,
            expiresAt: time + Duration.toMillis(refreshTtl),
            rotated: false
          })
        })
        return {
          access_token: accessToken,
          token_type: "Bearer",
          expires_in: Math.floor(Duration.toSeconds(options.accessTokenTtl)),
          refresh_token: refreshToken,
          scope: scopes.join(" ")
        } satisfies TokenResponse
      })

    const issueCode = (grant: Grant, redirectUri: string, codeChallenge: string) =>
      Effect.gen(function*() {
        const [code, familyId] = yield* Effect.all([opaqueToken, nanoid])
        const time = yield* now
        yield* Effect.sync(() => {
          pruneExpired(codes, (record) => record.expiresAt, time)
          codes.set(code, {
            grant,
            redirectUri,
            codeChallenge,
            expiresAt: time + Duration.toMillis(codeTtl),
            familyId,
            used: false
          })
        })
        return code
      })

    const checkResource = (grant: Grant, resource: string | undefined) =>
      resource === undefined || resource === grant.resource
        ? Effect.void
        : Effect.fail(
          new TokenError({
            error: "invalid_target",
            description: `The grant is for ${JSON.stringify(grant.resource)}, not ${JSON.stringify(resource)}`
          })
        )

    /** `grant_type=authorization_code`. Fails with `TokenError`. */
    const exchangeCode = (input: {
      readonly code: string
      readonly clientId: string
      readonly redirectUri: string | undefined
      readonly codeVerifier: string | undefined
      readonly resource: string | undefined
    }) =>
      Effect.gen(function*() {
        // Marked used atomically: of two concurrent exchanges only one finds it unused.
        const record = yield* Effect.sync(() => {
          const found = codes.get(input.code)
          if (found !== undefined) codes.set(input.code, { ...found, used: true })
          return found
        })
        if (record === undefined) return yield* invalidGrant("Unknown authorization code")
        if (record.used) {
          yield* revokeFamily(record.familyId)
          return yield* invalidGrant("The authorization code was already used; the tokens issued for it are revoked")
        }
        if ((yield* now) >= record.expiresAt) return yield* invalidGrant("The authorization code has expired")
        if (record.grant.clientId !== input.clientId) {
          return yield* invalidGrant("The authorization code was issued to another client")
        }
        if (input.redirectUri !== record.redirectUri) {
          return yield* invalidGrant("redirect_uri differs from the one in the authorization request")
        }
        if (input.codeVerifier === undefined) return yield* invalidGrant("code_verifier is missing (PKCE)")
        if (!(yield* verifierMatches(input.codeVerifier, record.codeChallenge))) {
          return yield* invalidGrant("code_verifier does not match the code_challenge (PKCE)")
        }
        yield* checkResource(record.grant, input.resource)
        return yield* issueTokens(record.grant, record.familyId)
      })

    /** Why `record` cannot be refreshed as asked, or the access token's scopes when it can. */
    const refreshProblem = (
      record: RefreshRecord,
      input: { readonly clientId: string; readonly scope: string | undefined; readonly resource: string | undefined },
      now: number
    ): Either.Either<ReadonlyArray<ManaScope>, TokenError> => {
      if (now >= record.expiresAt) return Either.left(invalidGrant("The refresh token has expired; sign in again"))
      if (record.grant.clientId !== input.clientId) {
        return Either.left(invalidGrant("The refresh token was issued to another client"))
      }
      if (input.resource !== undefined && input.resource !== record.grant.resource) {
        return Either.left(
          new TokenError({
            error: "invalid_target",
            description: `The grant is for ${JSON.stringify(record.grant.resource)}, not ${
              JSON.stringify(input.resource)
            }`
          })
        )
      }
      const asked = parseScope(input.scope ?? "")
      const extra = asked.filter((scope) => !record.grant.scopes.some((granted) => granted === scope))
      if (extra.length > 0) {
        return Either.left(
          new TokenError({
            error: "invalid_scope",
            description: `A refresh cannot widen the grant; not granted: ${extra.join(" ")}`
          })
        )
      }
      return Either.right(
        asked.length === 0 ? record.grant.scopes : record.grant.scopes.filter((s) => asked.includes(s))
      )
    }

    /**
     * `grant_type=refresh_token`, with rotation and reuse detection. Only a refresh that issues
     * tokens spends the refresh token: a refused one (wrong scope, resource or client) leaves it
     * as it was. Fails with `TokenError`.
     */
    const refresh = (input: {
      readonly refreshToken: string
      readonly clientId: string
      readonly scope: string | undefined
      readonly resource: string | undefined
    }) =>
      Effect.gen(function*() {
        const time = yield* now
        // Judged and spent in one step: of two concurrent refreshes only one finds it unspent.
        type Judged = Either.Either<
          { readonly record: RefreshRecord; readonly reused: boolean; readonly scopes: ReadonlyArray<ManaScope> },
          TokenError
        >
        const outcome = yield* Effect.sync((): Judged => {
          const found = refreshTokens.get(input.refreshToken)
          if (found === undefined) return Either.left(invalidGrant("Unknown refresh token"))
          if (revokedFamilies.has(found.familyId)) {
            return Either.left(invalidGrant("The refresh token was revoked; sign in again"))
          }
          if (found.rotated) return Either.right({ record: found, reused: true, scopes: [] })
          const judged = refreshProblem(found, input, time)
          if (Either.isLeft(judged)) return Either.left(judged.left)
          // Map.set on a present key keeps its place: expiry order is unchanged.
          refreshTokens.set(input.refreshToken, { ...found, rotated: true })
          return Either.right({ record: found, reused: false, scopes: judged.right })
        })
        const { record, reused, scopes } = yield* outcome
        if (reused) {
          yield* revokeFamily(record.familyId)
          return yield* invalidGrant(
            "The refresh token was already used; every token of this sign-in is revoked, sign in again"
          )
        }
        return yield* issueTokens(record.grant, record.familyId, scopes)
      })

    /** RFC 7009: a known refresh token revokes its family; anything else is a no-op. */
    const revoke = (token: string, clientId: string | undefined) =>
      Effect.gen(function*() {
        const record = refreshTokens.get(token)
        if (record === undefined) return
        if (clientId !== undefined && clientId !== record.grant.clientId) {
          return yield* new TokenError({
            error: "unauthorized_client",
            description: "The token was issued to another client"
          })
        }
        yield* revokeFamily(record.familyId)
      })

    return { issueCode, exchangeCode, refresh, revoke }
  })

export type Grants = Effect.Effect.Success<ReturnType<typeof makeGrants>>
