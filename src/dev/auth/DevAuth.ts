/**
 * The embedded dev mana-auth: builds the stand-in (state from `<dataDir>/auth.json` or memory,
 * seeded with dev@mana.test and zk@mana.test), exposes its HTTP app for the composition root to
 * serve, and offers the in-process hooks dev tooling and tests need (mint a token, memberships for
 * the dev mana-sync, vault state, fetch counters). It never takes part in production.
 */
import type { HttpApp } from "@effect/platform"
import { HttpRouter } from "@effect/platform"
import { Duration, Effect, Option, Schema, SynchronizedRef } from "effect"
import { type DevAuthCore, loginTokenTtl, makeCore, type VaultMode } from "./DevAuthCore.ts"
import { json } from "./DevAuthHttp.ts"
import { generateSigningKey, makeSigner } from "./DevAuthKeys.ts"
import { authRoutes } from "./DevAuthRoutes.ts"
import { type AuthData, authFile, type DevAuthDataError, findUserByEmail, personalSpaceOf } from "./DevAuthStore.ts"
import { vaultRoutes } from "./DevAuthVaultRoutes.ts"
import { makeOAuthRoutes } from "./oauth/OAuthRoutes.ts"

export interface DevAuthOptions {
  /** The URL the stand-in is reachable at; it becomes the `iss` of every token. */
  readonly baseUrl: string
  /** Where `auth.json` lives; None keeps everything in memory. */
  readonly dataDir: Option.Option<string>
  /** Lifetime of tokens from `issueToken` without an explicit ttl (default 7 days). */
  readonly devTokenTtl?: Duration.DurationInput
  /** The OAuth authorization server's settings (see oauth/OAuthRoutes.ts). */
  readonly oauth?: {
    /** The gateway's resource URLs: the only `resource` tokens are issued for (none: every request is refused). */
    readonly resources: ReadonlyArray<string>
    /** Access token lifetime (default 15 minutes, like production). */
    readonly accessTokenTtl?: Duration.DurationInput
    /**
     * Fetch Client ID Metadata Documents from loopback and private addresses too (default false:
     * public addresses only). The local-mode dev stack turns it on while bound to loopback, since
     * its clients run on this computer.
     */
    readonly allowPrivateClientDocuments?: boolean
    /** The whole metadata document fetch (default 5 s). */
    readonly clientDocumentTimeout?: Duration.DurationInput
  }
}

export interface IssuedToken {
  readonly accessToken: string
  readonly userId: string
  readonly personalSpaceId: string
}

export class DevUserNotFound extends Schema.TaggedError<DevUserNotFound>()("DevUserNotFound", {
  user: Schema.String
}) {
  override get message() {
    return `The dev mana-auth has no user ${this.user}; register it first (POST /api/v1/auth/register).`
  }
}

export interface DevAuth {
  readonly baseUrl: string
  /** The whole stand-in as an HttpApp; unknown paths answer 404 JSON. */
  readonly app: HttpApp.Default
  /** An access token for a registered user, bypassing the password (dev tooling only). */
  readonly issueToken: (email: string, ttl?: Duration.DurationInput) => Effect.Effect<IssuedToken, DevUserNotFound>
  /** Ids of the spaces `userId` is a member of. */
  readonly membershipsOf: (userId: string) => Effect.Effect<ReadonlyArray<string>>
  /** Switches a user's vault mode; an unchanged mode keeps the existing key. */
  readonly setVault: (userId: string, mode: VaultMode) => Effect.Effect<void, DevUserNotFound>
  /** How often `GET /api/v1/me/encryption-vault/key` answered for `userId`. */
  readonly vaultFetches: (userId: string) => Effect.Effect<number>
  /** How often either JWKS path was fetched. */
  readonly jwksFetches: Effect.Effect<number>
}

export const devSeeds = [
  { email: "dev@mana.test", password: "devpassword", name: "Dev", zeroKnowledge: false },
  { email: "zk@mana.test", password: "devpassword", name: "Zero Knowledge", zeroKnowledge: true }
] as const

/** A shared space dev@mana.test owns and zk@mana.test belongs to, so space choice can be tried out. */
export const devSharedSpace = { name: "Dev Team", slug: "dev-team", type: "team" } as const

const seedSharedSpace = (core: DevAuthCore) =>
  Effect.gen(function*() {
    const data = yield* core.snapshot
    if (data.spaces.some((space) => space.slug === devSharedSpace.slug)) return
    const [dev, zk] = devSeeds.map((seed) => findUserByEmail(data, seed.email))
    if (dev === undefined || Option.isNone(dev)) return
    const seeding = (p: { message: string }) => new Error(`seeding ${devSharedSpace.name}: ${p.message}`)
    const space = yield* core.createSpace(dev.value, devSharedSpace).pipe(Effect.orDieWith(seeding))
    if (zk !== undefined && Option.isSome(zk)) {
      yield* core.addMember(dev.value, { organizationId: space.id, email: zk.value.email }).pipe(
        Effect.orDieWith(seeding)
      )
    }
  })

/** Fails with `DevAuthDataError` when the data file exists but cannot be used. */
export const makeDevAuth = (options: DevAuthOptions): Effect.Effect<DevAuth, DevAuthDataError> =>
  Effect.gen(function*() {
    const baseUrl = options.baseUrl.replace(/\/+$/, "")
    // Captured once, so the served app keeps the creator's Clock (TestClock in tests) even when
    // a web handler runs it on another runtime.
    const clock = yield* Effect.clock
    const file = authFile(options.dataDir)
    const loaded = yield* file.load
    const initial: AuthData = yield* Option.match(loaded, {
      onSome: Effect.succeed,
      onNone: () =>
        Effect.map(generateSigningKey, (signingKey) => ({ version: 1 as const, signingKey, users: [], spaces: [] }))
    })
    if (Option.isNone(loaded)) yield* file.save(initial)
    const state = yield* SynchronizedRef.make(initial)
    const resources = options.oauth?.resources ?? []
    // The gateway forwards an OAuth token to the vault and organization routes: accept its audience too.
    const signer = yield* makeSigner(initial.signingKey, baseUrl, clock, resources)
    const core = yield* makeCore({ state, file, signer, clock })

    for (const seed of devSeeds) {
      if (Option.isNone(findUserByEmail(yield* core.snapshot, seed.email))) {
        yield* core.register(seed).pipe(Effect.orDieWith((p) => new Error(`seeding ${seed.email}: ${p.message}`)))
      }
    }
    yield* seedSharedSpace(core)

    const oauthRoutes = yield* makeOAuthRoutes({
      issuer: baseUrl,
      core,
      clock,
      isResource: (resource) => resources.includes(resource),
      accessTokenTtl: Duration.decode(options.oauth?.accessTokenTtl ?? loginTokenTtl),
      allowPrivateClientDocuments: options.oauth?.allowPrivateClientDocuments ?? false,
      ...(options.oauth?.clientDocumentTimeout === undefined
        ? {}
        : { clientDocumentTimeout: Duration.decode(options.oauth.clientDocumentTimeout) })
    })
    const routes = HttpRouter.concat(HttpRouter.concat(authRoutes(core), vaultRoutes(core)), oauthRoutes)
    const app: HttpApp.Default = routes.pipe(
      Effect.catchTag(
        "RouteNotFound",
        () => Effect.succeed(json({ error: "NOT_FOUND", message: "No such dev mana-auth route", status: 404 }, 404))
      ),
      Effect.catchAllCause((cause) =>
        Effect.as(
          Effect.logError("dev mana-auth defect", cause),
          json({ error: "INTERNAL", message: "Internal server error", status: 500 }, 500)
        )
      )
    )

    const userByEmail = (email: string) =>
      Effect.flatMap(core.snapshot, (data) =>
        Option.match(findUserByEmail(data, email), {
          onNone: () => Effect.fail(new DevUserNotFound({ user: email })),
          onSome: (user) => Effect.succeed({ user, data })
        }))

    const issueToken = (email: string, ttl?: Duration.DurationInput) =>
      Effect.gen(function*() {
        const { data, user } = yield* userByEmail(email)
        const personal = yield* Effect.orElseFail(personalSpaceOf(data, user.id), () =>
          new DevUserNotFound({ user: email }))
        const lifetime = Duration.decode(ttl ?? options.devTokenTtl ?? Duration.days(7))
        const { accessToken } = yield* core.startSession(user, lifetime)
        return { accessToken, userId: user.id, personalSpaceId: personal.id }
      })

    return {
      baseUrl,
      app,
      issueToken,
      membershipsOf: (userId) => Effect.map(core.spacesOf(userId), (spaces) => spaces.map((space) => space.id)),
      setVault: (userId, mode) =>
        core.setVault(userId, mode).pipe(
          Effect.asVoid,
          Effect.catchTag("DevAuthProblem", () => new DevUserNotFound({ user: userId }))
        ),
      vaultFetches: core.vaultFetches,
      jwksFetches: core.jwksFetches
    }
  })
