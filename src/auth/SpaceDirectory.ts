/**
 * SpaceDirectory: which spaces (mana-auth organizations) a caller belongs to, read from
 * `GET {authUrl}/api/auth/organization/list` with the caller's own JWT and cached per user for
 * 30 s on the Effect Clock. It tolerates every metadata form mana-auth produces (object, JSON
 * string, null). The transport uses it to check `X-Mana-Space`; `spaces.list` shows it. It does
 * not decide what a non-member may do — that is the transport's 403.
 */
import { Clock, Context, Duration, Effect, Layer, Option, type Redacted, Schema } from "effect"
import type { Principal } from "../domain/Principal.ts"
import { makeUpstreamCall } from "../upstream/upstreamCall.ts"
import { makeExpiringCache } from "./TokenCache.ts"

export const SpaceType = Schema.Literal("personal", "brand", "club", "family", "team", "practice")
export type SpaceType = typeof SpaceType.Type

export interface Space {
  readonly id: string
  readonly name: string
  readonly slug: string | null
  /** From `metadata.type`; unset when metadata is null, unparseable or names no known type. */
  readonly type?: SpaceType
  /** The caller's role; the list endpoint does not report it, so it is usually unset. */
  readonly role?: string
}

/** mana-auth refused the caller's token while listing spaces. */
export class SpacesUnauthorized extends Schema.TaggedError<SpacesUnauthorized>()("SpacesUnauthorized", {}) {
  override get message() {
    return "mana-auth rejected the user's access token while listing their spaces (expired or invalid). Refresh the token in the Authorization header and retry."
  }
}

/** The space list could not be obtained; nothing about membership is known. */
export class SpacesUnavailable extends Schema.TaggedError<SpacesUnavailable>()("SpacesUnavailable", {
  reason: Schema.Literal("network", "timeout", "server-error", "rejected", "bad-response"),
  status: Schema.optional(Schema.Number)
}) {
  override get message() {
    switch (this.reason) {
      case "timeout":
        return "mana-auth did not answer in time when listing the user's spaces. This is temporary: retry in a moment."
      case "network":
        return "mana-auth could not be reached to list the user's spaces. This is temporary: retry in a moment."
      case "server-error":
        return `mana-auth failed while listing the user's spaces (HTTP ${this.status ?? "5xx"}). Retry in a moment.`
      case "rejected":
        return `mana-auth refused to list the user's spaces (HTTP ${
          this.status ?? "4xx"
        }); the gateway operator should check the mana-auth URL.`
      case "bad-response":
        return "mana-auth answered the space list with an unexpected body; the gateway operator should check that MANA_AUTH_URL points at mana-auth."
    }
  }
}

export type SpacesError = SpacesUnauthorized | SpacesUnavailable

/**
 * The spaces among `spaces` that `principal`'s grant allows: all of them, or only the one a token
 * granted for one space (OAuth `mana_space`) names — the user did not give the agent the others.
 */
export const grantedSpaces = (principal: Principal, spaces: ReadonlyArray<Space>): ReadonlyArray<Space> =>
  principal.space === undefined ? spaces : spaces.filter((space) => space.id === principal.space)

export interface SpaceDirectoryShape {
  /** The caller's spaces (cached 30 s per user). Fails with `SpacesUnauthorized` or `SpacesUnavailable`. */
  readonly spacesOf: (
    principal: Principal,
    token: Redacted.Redacted<string>
  ) => Effect.Effect<ReadonlyArray<Space>, SpacesError>
  /**
   * The caller's space `spaceId`, or None if they are not a member. A miss against a list older
   * than 1 s is re-checked once, so a space created moments ago is found. Same failures as `spacesOf`.
   */
  readonly find: (
    principal: Principal,
    token: Redacted.Redacted<string>,
    spaceId: string
  ) => Effect.Effect<Option.Option<Space>, SpacesError>
  /** Forgets a user's cached list (e.g. after the agent created or joined a space). */
  readonly invalidate: (userId: string) => Effect.Effect<void>
}

const Organization = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  metadata: Schema.optional(Schema.Unknown)
})
const OrganizationList = Schema.Array(Organization)
const MetadataType = Schema.Struct({ type: SpaceType })
const decodeJsonText = Schema.decodeUnknownOption(Schema.parseJson())

/** `metadata.type` from an object, a JSON-encoded string or null; anything unreadable gives None. */
export const spaceTypeOf = (metadata: unknown): Option.Option<SpaceType> =>
  (typeof metadata === "string" ? decodeJsonText(metadata) : Option.some(metadata)).pipe(
    Option.flatMap(Schema.decodeUnknownOption(MetadataType)),
    Option.map((m) => m.type)
  )

const toSpace = (org: typeof Organization.Type): Space =>
  Option.match(spaceTypeOf(org.metadata), {
    onNone: () => ({ id: org.id, name: org.name, slug: org.slug }),
    onSome: (type) => ({ id: org.id, name: org.name, slug: org.slug, type })
  })

const ttl = Duration.seconds(30)
const recheckAfter = Duration.seconds(1)

export const makeSpaceDirectory = Effect.gen(function*() {
  const call = yield* makeUpstreamCall("mana-auth")
  const cache = yield* makeExpiringCache<{ readonly spaces: ReadonlyArray<Space>; readonly fetchedAt: number }>(10_000)

  const fetchList = (token: Redacted.Redacted<string>) =>
    Effect.gen(function*() {
      const organizations = yield* call<ReadonlyArray<typeof Organization.Type>, SpacesError>({
        span: "SpaceDirectory.list",
        method: "GET",
        path: "/api/auth/organization/list",
        token,
        unavailable: (reason) => new SpacesUnavailable({ reason }),
        refused: ({ status }) =>
          Effect.succeed(
            status === 401 || status === 403
              ? new SpacesUnauthorized()
              : new SpacesUnavailable({ reason: status >= 500 ? "server-error" : "rejected", status })
          ),
        read: (response) =>
          response.json.pipe(
            Effect.mapError(() => new SpacesUnavailable({ reason: "bad-response", status: response.status })),
            Effect.flatMap((body) =>
              Effect.mapError(
                Schema.decodeUnknown(OrganizationList)(body),
                () => new SpacesUnavailable({ reason: "bad-response" })
              )
            )
          )
      })
      return { spaces: organizations.map(toSpace), fetchedAt: yield* Clock.currentTimeMillis }
    })

  const load = (principal: Principal, token: Redacted.Redacted<string>) =>
    Effect.gen(function*() {
      const entry = yield* fetchList(token)
      yield* cache.set(principal.userId, entry, entry.fetchedAt + Duration.toMillis(ttl))
      return entry
    })

  const cachedOrLoad = (principal: Principal, token: Redacted.Redacted<string>) =>
    Effect.flatMap(
      cache.get(principal.userId),
      Option.match({ onNone: () => load(principal, token), onSome: Effect.succeed })
    )

  const find = (principal: Principal, token: Redacted.Redacted<string>, spaceId: string) =>
    Effect.gen(function*() {
      const entry = yield* cachedOrLoad(principal, token)
      const hit = Option.fromNullable(entry.spaces.find((space) => space.id === spaceId))
      const age = (yield* Clock.currentTimeMillis) - entry.fetchedAt
      if (Option.isSome(hit) || age < Duration.toMillis(recheckAfter)) return hit
      const fresh = yield* load(principal, token)
      return Option.fromNullable(fresh.spaces.find((space) => space.id === spaceId))
    })

  const directory: SpaceDirectoryShape = {
    spacesOf: (principal, token) => Effect.map(cachedOrLoad(principal, token), (entry) => entry.spaces),
    find,
    invalidate: cache.invalidate
  }
  return directory
})

export class SpaceDirectory extends Context.Tag("mana-mcp/SpaceDirectory")<SpaceDirectory, SpaceDirectoryShape>() {
  /** Needs `HttpClient`, `Upstreams`, `ManaConfig` and `Metrics`. */
  static readonly layer = Layer.effect(SpaceDirectory, makeSpaceDirectory)
}
