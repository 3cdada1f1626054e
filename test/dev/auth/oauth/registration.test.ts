/**
 * Dynamic client registration of the dev authorization server under abuse (issue #28, findings 9
 * and 12): bounded sizes and counts, a per-address rate, pruning of registrations nobody used,
 * and a consent page on which a client's name cannot reorder where the code is sent.
 */
import { HttpApp } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import { makeDevAuth } from "../../../../src/dev/auth/DevAuth.ts"
import { makeRegisteredClients } from "../../../../src/dev/auth/oauth/registeredClients.ts"
import {
  authorizeAndConsent,
  authorizeUrl,
  pkcePair,
  registerClient,
  type Send,
  tokenRequest
} from "../../../support/oauthFlow.ts"

const authUrl = "http://auth.test"
const resource = "http://127.0.0.1:3069/mcp"
const redirectUri = "http://127.0.0.1/callback"

const server = Effect.map(
  makeDevAuth({ baseUrl: authUrl, dataDir: Option.none(), oauth: { resources: [resource] } }),
  (auth): Send => {
    const handler = HttpApp.toWebHandler(auth.app)
    return (request) => handler(request)
  }
)

const register = (send: Send, body: string) =>
  Effect.promise(async () => {
    const response = await send(
      new Request(`${authUrl}/oauth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body
      })
    )
    const json = (await response.json()) as Record<string, unknown>
    return { status: response.status, error: json["error"], retryAfter: response.headers.get("retry-after"), json }
  })

const client = (fields: Record<string, unknown>) => JSON.stringify({ redirect_uris: [redirectUri], ...fields })

describe("dev authorization server registration", () => {
  it.effect("refuses oversized or unreadable names, too many or too long redirect URIs, and oversized bodies", () =>
    Effect.gen(function*() {
      const send = yield* server
      const huge = yield* register(send, client({ client_name: "x".repeat(3 * 1024 * 1024) }))
      assert.deepStrictEqual([huge.status, huge.error], [413, "invalid_client_metadata"])
      const long = yield* register(send, client({ client_name: "n".repeat(201) }))
      assert.deepStrictEqual([long.status, long.error], [400, "invalid_client_metadata"])
      const reversed = yield* register(send, client({ client_name: "Helper \u202Eevil.example" }))
      assert.deepStrictEqual([reversed.status, reversed.error], [400, "invalid_client_metadata"])
      const many = yield* register(
        send,
        JSON.stringify({ redirect_uris: Array.from({ length: 11 }, (_, n) => `http://127.0.0.1/cb${n}`) })
      )
      assert.deepStrictEqual([many.status, many.error], [400, "invalid_redirect_uri"])
      const longUri = yield* register(
        send,
        JSON.stringify({ redirect_uris: [`http://127.0.0.1/${"p".repeat(2_000)}`] })
      )
      assert.deepStrictEqual([longUri.status, longUri.error], [400, "invalid_redirect_uri"])
      const fine = yield* register(send, client({ client_name: "n".repeat(200) }))
      assert.strictEqual(fine.status, 201)
    }))

  it.effect("allows 30 registrations per address in 10 minutes, then 429 with Retry-After", () =>
    Effect.gen(function*() {
      const send = yield* server
      for (let n = 0; n < 30; n++) assert.strictEqual((yield* register(send, client({}))).status, 201)
      const throttled = yield* register(send, client({}))
      assert.deepStrictEqual([throttled.status, throttled.error], [429, "temporarily_unavailable"])
      assert.strictEqual(throttled.retryAfter, "600")
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual((yield* register(send, client({}))).status, 201)
    }))

  it.effect("forgets a registration nobody used after an hour, keeps one that received tokens", () =>
    Effect.gen(function*() {
      const send = yield* server
      const [unused, used] = yield* Effect.promise(() =>
        Promise.all([registerClient(send, authUrl, [redirectUri]), registerClient(send, authUrl, [redirectUri])])
      )
      const pkce = yield* Effect.promise(pkcePair)
      const { location } = yield* Effect.promise(() =>
        authorizeAndConsent(send, { authUrl, clientId: used, redirectUri, resource, challenge: pkce.challenge })
      )
      const tokens = yield* Effect.promise(() =>
        tokenRequest(send, authUrl, {
          grant_type: "authorization_code",
          code: location.searchParams.get("code") ?? "",
          client_id: used,
          redirect_uri: redirectUri,
          code_verifier: pkce.verifier
        })
      )
      assert.strictEqual(tokens.status, 200)
      yield* TestClock.adjust("61 minutes")
      const gone = yield* Effect.promise(() =>
        tokenRequest(send, authUrl, { grant_type: "refresh_token", refresh_token: "x", client_id: unused })
      )
      assert.deepStrictEqual([gone.status, gone.body["error"]], [401, "invalid_client"])
      const kept = yield* Effect.promise(() =>
        tokenRequest(send, authUrl, {
          grant_type: "refresh_token",
          refresh_token: String(tokens.body["refresh_token"]),
          client_id: used
        })
      )
      assert.strictEqual(kept.status, 200)
    }))

  it.effect("keeps at most the configured number of unused registrations, dropping the oldest first", () =>
    Effect.gen(function*() {
      const clock = yield* Effect.clock
      const limits = {
        unusedLifetime: "1 hour",
        idleLifetime: "30 days",
        maxUnused: 3,
        maxClients: 2,
        perAddress: 100,
        addressWindow: "10 minutes",
        maxAddresses: 2
      } as const
      const store = yield* makeRegisteredClients(clock, limits)
      const named = (clientId: string) => ({
        clientId,
        clientName: clientId,
        redirectUris: [],
        kind: "registered" as const
      })
      for (const id of ["a", "b", "c", "d"]) yield* store.add(named(id))
      assert.strictEqual(yield* store.size, 3)
      assert.isUndefined(yield* store.get("a"))
      for (const id of ["b", "c", "d"]) yield* store.markUsed(id)
      assert.strictEqual(yield* store.size, 2)
      assert.isUndefined(yield* store.get("b"))
      assert.isDefined(yield* store.get("d"))
    }))

  it.effect("isolates the client's name and states where the code goes in its own left-to-right paragraph", () =>
    Effect.gen(function*() {
      const send = yield* server
      const clientId = yield* register(send, client({ client_name: "مساعد Helper" }))
      const pkce = yield* Effect.promise(pkcePair)
      const html = yield* Effect.promise(async () =>
        (await send(
          new Request(authorizeUrl(authUrl, {
            response_type: "code",
            client_id: String(clientId.json["client_id"]),
            redirect_uri: "http://127.0.0.1:4567/callback",
            code_challenge: pkce.challenge,
            code_challenge_method: "S256",
            resource
          }))
        )).text()
      )
      assert.include(html, "<strong><bdi>مساعد Helper</bdi></strong> wants to use your Mana data.</p>")
      assert.include(
        html,
        `<p class="client">You will be sent back to <strong><bdi dir="ltr">127.0.0.1</bdi></strong> (this computer).</p>`
      )
    }))
})
