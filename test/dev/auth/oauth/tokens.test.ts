/**
 * The dev authorization server's token endpoint under misuse (issue #28, findings 4, 10, 14): a
 * refused refresh leaves the refresh token usable, narrowing the scope at a refresh narrows that
 * access token only, and an `Authorization: Basic` header that does not decode is 401
 * `invalid_client` at /token and /revoke, never a 500.
 */
import { HttpApp } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { makeDevAuth } from "../../../../src/dev/auth/DevAuth.ts"
import { authorizeAndConsent, pkcePair, registerClient, type Send, tokenRequest } from "../../../support/oauthFlow.ts"

const authUrl = "http://auth.test"
const resource = "http://127.0.0.1:3069/mcp"
const redirectUri = "http://127.0.0.1/callback"

/** A registered client holding tokens for mana.read and mana.write. */
const signedIn = Effect.gen(function*() {
  const auth = yield* makeDevAuth({ baseUrl: authUrl, dataDir: Option.none(), oauth: { resources: [resource] } })
  const handler = HttpApp.toWebHandler(auth.app)
  const send: Send = (request) => handler(request)
  return yield* Effect.promise(async () => {
    const clientId = await registerClient(send, authUrl, [redirectUri])
    const pkce = await pkcePair()
    const { location } = await authorizeAndConsent(send, {
      authUrl,
      clientId,
      redirectUri,
      resource,
      challenge: pkce.challenge,
      scopes: ["mana.read", "mana.write"]
    })
    const tokens = await tokenRequest(send, authUrl, {
      grant_type: "authorization_code",
      code: location.searchParams.get("code") ?? "",
      client_id: clientId,
      redirect_uri: redirectUri,
      code_verifier: pkce.verifier
    })
    return { send, clientId, refreshToken: String(tokens.body["refresh_token"]) }
  })
})

const refresh = (send: Send, clientId: string, refreshToken: string, extra: Record<string, string> = {}) =>
  Effect.promise(() =>
    tokenRequest(send, authUrl, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: clientId,
      ...extra
    })
  )

const withBasic = (send: Send, path: string, authorization: string, fields: Record<string, string>) =>
  Effect.promise(async () => {
    const response = await send(
      new Request(`${authUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization },
        body: new URLSearchParams(fields).toString()
      })
    )
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  })

describe("dev authorization server tokens", () => {
  it.effect("a refused refresh (invalid_scope, invalid_target, another client) leaves the refresh token usable", () =>
    Effect.gen(function*() {
      const { clientId, refreshToken, send } = yield* signedIn
      const wider = yield* refresh(send, clientId, refreshToken, { scope: "mana.read mana.destructive" })
      assert.deepStrictEqual([wider.status, wider.body["error"]], [400, "invalid_scope"])
      const foreign = yield* refresh(send, clientId, refreshToken, { resource: "https://evil.example/mcp" })
      assert.deepStrictEqual([foreign.status, foreign.body["error"]], [400, "invalid_target"])
      const other = yield* Effect.promise(() => registerClient(send, authUrl, [redirectUri]))
      const stolen = yield* refresh(send, other, refreshToken)
      assert.deepStrictEqual([stolen.status, stolen.body["error"]], [400, "invalid_grant"])
      const plain = yield* refresh(send, clientId, refreshToken)
      assert.strictEqual(plain.status, 200)
      assert.strictEqual(plain.body["scope"], "mana.read mana.write")
    }))

  it.effect("narrowing the scope at a refresh narrows that access token, not the grant", () =>
    Effect.gen(function*() {
      const { clientId, refreshToken, send } = yield* signedIn
      const narrow = yield* refresh(send, clientId, refreshToken, { scope: "mana.read" })
      assert.strictEqual(narrow.status, 200)
      assert.strictEqual(narrow.body["scope"], "mana.read")
      const again = yield* refresh(send, clientId, String(narrow.body["refresh_token"]))
      assert.strictEqual(again.status, 200)
      assert.strictEqual(again.body["scope"], "mana.read mana.write")
    }))

  it.effect("a Basic header with malformed percent-encoding or base64 is 401 invalid_client at /token and /revoke", () =>
    Effect.gen(function*() {
      const { refreshToken, send } = yield* signedIn
      for (const credentials of [btoa("%zz:"), btoa("mana-client-%E0%A4%A:"), "%%%not-base64"]) {
        const authorization = `Basic ${credentials}`
        const token = yield* withBasic(send, "/oauth/token", authorization, {
          grant_type: "refresh_token",
          refresh_token: refreshToken
        })
        assert.deepStrictEqual([token.status, token.body["error"]], [401, "invalid_client"])
        const revoke = yield* withBasic(send, "/oauth/revoke", authorization, { token: refreshToken })
        assert.deepStrictEqual([revoke.status, revoke.body["error"]], [401, "invalid_client"])
      }
    }))
})
