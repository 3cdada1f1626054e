import { HttpApp, HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, TestClock } from "effect"
import { SpaceDirectory } from "../../src/auth/SpaceDirectory.ts"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { makeDevAuth } from "../../src/dev/auth/DevAuth.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { alice, bob as bobId, principalFor } from "../support/users.ts"

const authUrl = "http://auth.test"
const ada = principalFor(alice)
const bob = principalFor(bobId)
const token = Redacted.make("jwt")

/** mana-auth answering every request through `respond`, counting requests. */
const fakeAuth = (respond: (request: Request) => Promise<Response> | Response) => {
  const counter = { requests: 0, lastAuthorization: "" }
  const client = HttpClient.make((request, url) =>
    Effect.promise(async () => {
      counter.requests++
      const web = new Request(url.toString(), { method: request.method, headers: request.headers })
      counter.lastAuthorization = web.headers.get("authorization") ?? ""
      return HttpClientResponse.fromWeb(request, await respond(web))
    })
  )
  const layer = SpaceDirectory.layer.pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.provide(Layer.succeed(Upstreams, { authUrl, syncUrl: "http://sync.test", issuers: [authUrl] })),
    Layer.provide(ManaConfig.layerWith({})),
    Layer.provide(Metrics.layer)
  )
  return {
    layer,
    requests: Effect.sync(() => counter.requests),
    authorization: Effect.sync(() => counter.lastAuthorization)
  }
}

const organizations = [
  {
    id: "V1StGXR8_Z5jdHi6B-myT",
    name: "ada",
    slug: "ada",
    logo: null,
    createdAt: "2026-04-01T10:00:00.000Z",
    metadata: { type: "personal", tier: "public", extra: 1 }
  },
  {
    id: "k9f2",
    name: "Family",
    slug: "family-ada",
    logo: null,
    createdAt: "2026-04-02T09:00:00.000Z",
    metadata: "{\"type\":\"family\"}"
  },
  { id: "legacy", name: "Legacy", slug: null, metadata: null },
  { id: "broken", name: "Broken", slug: "broken", metadata: "{not json" },
  { id: "odd", name: "Odd", slug: "odd", metadata: { type: "spaceship" }, unknownKey: true }
]

describe("SpaceDirectory", () => {
  it.effect("parses metadata given as an object, a JSON string or null, and tolerates junk", () => {
    const listing = fakeAuth(() => Response.json(organizations))
    return Effect.gen(function*() {
      const spaces = yield* (yield* SpaceDirectory).spacesOf(ada, token)
      assert.deepStrictEqual(spaces, [
        { id: "V1StGXR8_Z5jdHi6B-myT", name: "ada", slug: "ada", type: "personal" },
        { id: "k9f2", name: "Family", slug: "family-ada", type: "family" },
        { id: "legacy", name: "Legacy", slug: null },
        { id: "broken", name: "Broken", slug: "broken" },
        { id: "odd", name: "Odd", slug: "odd" }
      ])
      assert.strictEqual(yield* listing.authorization, "Bearer jwt")
    }).pipe(Effect.provide(listing.layer))
  })

  it.effect("caches per user for 30 s on the Effect clock", () => {
    const auth = fakeAuth(() => Response.json(organizations))
    return Effect.gen(function*() {
      const directory = yield* SpaceDirectory
      yield* directory.spacesOf(ada, token)
      yield* TestClock.adjust("29 seconds")
      yield* directory.spacesOf(ada, token)
      assert.strictEqual(yield* auth.requests, 1)
      yield* directory.spacesOf(bob, token)
      assert.strictEqual(yield* auth.requests, 2)
      yield* TestClock.adjust("2 seconds")
      yield* directory.spacesOf(ada, token)
      assert.strictEqual(yield* auth.requests, 3)
    }).pipe(Effect.provide(auth.layer))
  })

  it.effect("maps 401 to SpacesUnauthorized, 5xx and bad bodies to SpacesUnavailable, and caches no failure", () => {
    const replies = [
      new Response("no", { status: 401 }),
      new Response("boom", { status: 502 }),
      Response.json({ not: "a list" }),
      Response.json([])
    ]
    const auth = fakeAuth(() => replies.shift() ?? Response.json([]))
    return Effect.gen(function*() {
      const directory = yield* SpaceDirectory
      const unauthorized = yield* Effect.flip(directory.spacesOf(ada, token))
      assert.strictEqual(unauthorized._tag, "SpacesUnauthorized")
      const server = yield* Effect.flip(directory.spacesOf(ada, token))
      assert.deepStrictEqual([server._tag, server._tag === "SpacesUnavailable" ? server.reason : ""], [
        "SpacesUnavailable",
        "server-error"
      ])
      const bad = yield* Effect.flip(directory.spacesOf(ada, token))
      assert.deepStrictEqual([bad._tag, bad._tag === "SpacesUnavailable" ? bad.reason : ""], [
        "SpacesUnavailable",
        "bad-response"
      ])
      assert.deepStrictEqual(yield* directory.spacesOf(ada, token), [])
      assert.strictEqual(yield* auth.requests, 4)
    }).pipe(Effect.provide(auth.layer))
  })

  it.effect("find re-lists once for an unknown space when the cached list is older than 5 s", () => {
    const lists = [[organizations[0]], [organizations[0], organizations[1]]]
    const auth = fakeAuth(() => Response.json(lists.length > 1 ? lists.shift() : lists[0]))
    return Effect.gen(function*() {
      const directory = yield* SpaceDirectory
      assert.isTrue(Option.isNone(yield* directory.find(ada, token, "k9f2")))
      assert.strictEqual(yield* auth.requests, 1)
      yield* TestClock.adjust("6 seconds")
      const found = yield* directory.find(ada, token, "k9f2")
      assert.strictEqual(Option.getOrUndefined(found)?.type, "family")
      assert.strictEqual(yield* auth.requests, 2)
      assert.isTrue(Option.isSome(yield* directory.find(ada, token, "V1StGXR8_Z5jdHi6B-myT")))
      assert.strictEqual(yield* auth.requests, 2)
    }).pipe(Effect.provide(auth.layer))
  })

  it.effect("reads the dev mana-auth's real list: personal object metadata and created string metadata", () =>
    Effect.gen(function*() {
      const dev = yield* makeDevAuth({ baseUrl: authUrl, dataDir: Option.none() })
      const handler = HttpApp.toWebHandler(dev.app)
      const issued = yield* dev.issueToken("dev@mana.test")
      yield* Effect.promise(() =>
        handler(
          new Request(`${authUrl}/api/auth/organization/create`, {
            method: "POST",
            headers: { authorization: `Bearer ${issued.accessToken}`, "content-type": "application/json" },
            body: JSON.stringify({ name: "Club", type: "club" })
          })
        )
      )
      const auth = fakeAuth(handler)
      const spaces = yield* Effect.flatMap(
        SpaceDirectory,
        (d) => d.spacesOf({ ...ada, userId: issued.userId }, Redacted.make(issued.accessToken))
      ).pipe(
        Effect.provide(auth.layer)
      )
      // The seeded Dev Team space sits between the personal one and the new club.
      assert.deepStrictEqual(spaces.map((s) => [s.id === issued.personalSpaceId, s.type]), [
        [true, "personal"],
        [false, "team"],
        [false, "club"]
      ])
    }))
})
