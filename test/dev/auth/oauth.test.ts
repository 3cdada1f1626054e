import { HttpApp } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import * as Jose from "jose"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { makeDevAuth } from "../../../src/dev/auth/DevAuth.ts"
import {
  authorizeAndConsent,
  authorizeUrl,
  pageFields,
  pkcePair,
  postForm,
  readPage,
  registerClient,
  type Send,
  spacesOnPage,
  tokenRequest
} from "../../support/oauthFlow.ts"

const authUrl = "http://auth.test"
const resource = "http://127.0.0.1:3069/mcp"
const redirectUri = "http://127.0.0.1/callback"

const setup = Effect.gen(function*() {
  const auth = yield* makeDevAuth({
    baseUrl: authUrl,
    dataDir: Option.none(),
    oauth: { resources: [resource], allowPrivateClientDocuments: true }
  })
  const handler = HttpApp.toWebHandler(auth.app)
  const send: Send = (request) => handler(request)
  const clientId = yield* Effect.promise(() => registerClient(send, authUrl, [redirectUri]))
  const pkce = yield* Effect.promise(pkcePair)
  const flow = { authUrl, clientId, redirectUri, resource, challenge: pkce.challenge }
  return { auth, send, clientId, pkce, flow }
})

const promise = <A>(f: () => Promise<A>) => Effect.promise(f)

/** Opens /authorize for the registered client with PKCE and the gateway's resource; the sign-in page. */
const openSignIn = (
  { flow, send }: { readonly flow: { readonly clientId: string; readonly challenge: string }; readonly send: Send },
  extra: Record<string, string> = {}
) =>
  promise(() =>
    send(
      new Request(authorizeUrl(authUrl, {
        response_type: "code",
        client_id: flow.clientId,
        redirect_uri: redirectUri,
        code_challenge: flow.challenge,
        code_challenge_method: "S256",
        resource,
        ...extra
      }))
    )
  ).pipe(Effect.flatMap((authorized) => promise(() => readPage(authorized))))

const codeGrant = (clientId: string, code: string, verifier: string | undefined) => ({
  grant_type: "authorization_code",
  code,
  client_id: clientId,
  redirect_uri: redirectUri,
  ...(verifier === undefined ? {} : { code_verifier: verifier })
})

describe("dev authorization server", () => {
  it.effect("publishes RFC 8414 metadata and the same document as OpenID discovery", () =>
    Effect.gen(function*() {
      const { send } = yield* setup
      const documents = yield* promise(() =>
        Promise.all(
          ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"].map(async (path) =>
            (await send(new Request(`${authUrl}${path}`))).json() as Promise<Record<string, unknown>>
          )
        )
      )
      assert.deepStrictEqual(documents[0], documents[1])
      const metadata = documents[0] ?? {}
      assert.strictEqual(metadata["issuer"], authUrl)
      assert.strictEqual(metadata["authorization_endpoint"], `${authUrl}/oauth/authorize`)
      assert.strictEqual(metadata["registration_endpoint"], `${authUrl}/oauth/register`)
      assert.deepStrictEqual(metadata["code_challenge_methods_supported"], ["S256"])
      assert.deepStrictEqual(metadata["scopes_supported"], ["mana.read", "mana.write", "mana.destructive"])
      assert.strictEqual(metadata["client_id_metadata_document_supported"], true)
    }))

  it.effect("refuses to register unusable clients (RFC 7591 errors)", () =>
    Effect.gen(function*() {
      const { send } = yield* setup
      const register = (body: string) =>
        promise(async () => {
          const response = await send(
            new Request(`${authUrl}/oauth/register`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body
            })
          )
          return [response.status, ((await response.json()) as { error: string }).error] as const
        })
      assert.deepStrictEqual(yield* register(JSON.stringify({ redirect_uris: ["http://app.example/cb"] })), [
        400,
        "invalid_redirect_uri"
      ])
      assert.deepStrictEqual(yield* register(JSON.stringify({ redirect_uris: [] })), [400, "invalid_redirect_uri"])
      assert.deepStrictEqual(
        yield* register(
          JSON.stringify({ redirect_uris: [redirectUri], token_endpoint_auth_method: "client_secret_basic" })
        ),
        [400, "invalid_client_metadata"]
      )
      assert.deepStrictEqual(yield* register("{not json"), [400, "invalid_client_metadata"])
    }))

  it.effect("signs in, lets the user pick a shared space and a scope, and issues tokens for the resource", () =>
    Effect.gen(function*() {
      const { auth, clientId, flow, pkce, send } = yield* setup
      const { consent, location, response, space } = yield* promise(() =>
        authorizeAndConsent(send, { ...flow, spaceName: "Dev Team", scopes: ["mana.read"] })
      )
      assert.deepStrictEqual(spacesOnPage(consent.html).map((offered) => offered.name), ["Dev", "Dev Team"])
      assert.strictEqual(response.status, 303)
      assert.strictEqual(location.origin + location.pathname, redirectUri)
      assert.strictEqual(location.searchParams.get("state"), "state-1")
      assert.strictEqual(location.searchParams.get("iss"), authUrl)
      const tokens = yield* promise(() =>
        tokenRequest(send, authUrl, codeGrant(clientId, location.searchParams.get("code") ?? "", pkce.verifier))
      )
      assert.strictEqual(tokens.status, 200)
      assert.strictEqual(tokens.body["token_type"], "Bearer")
      assert.strictEqual(tokens.body["scope"], "mana.read")
      assert.strictEqual(tokens.body["expires_in"], 900)
      const jwks = yield* promise(async () =>
        (await send(new Request(`${authUrl}/api/auth/jwks`))).json() as Promise<Jose.JSONWebKeySet>
      )
      const verified = yield* promise(() =>
        Jose.jwtVerify(String(tokens.body["access_token"]), Jose.createLocalJWKSet(jwks), {
          algorithms: ["EdDSA"],
          audience: resource,
          issuer: authUrl,
          currentDate: new Date(0)
        })
      )
      const dev = yield* auth.issueToken("dev@mana.test")
      assert.strictEqual(verified.payload.sub, dev.userId)
      assert.strictEqual(verified.payload["scope"], "mana.read")
      assert.strictEqual(verified.payload["client_id"], clientId)
      assert.strictEqual(verified.payload["mana_space"], space.id)
      assert.notStrictEqual(space.id, dev.personalSpaceId)
      // The gateway forwards this token to mana-auth's own routes, which accept its audience.
      const spaces = yield* promise(() =>
        send(
          new Request(`${authUrl}/api/auth/organization/list`, {
            headers: { authorization: `Bearer ${String(tokens.body["access_token"])}` }
          })
        )
      )
      assert.strictEqual(spaces.status, 200)
    }))

  it.effect("answers invalid_grant for a missing or wrong PKCE verifier, and for a reused code", () =>
    Effect.gen(function*() {
      const { clientId, flow, pkce, send } = yield* setup
      const codeFor = () =>
        promise(() => authorizeAndConsent(send, flow)).pipe(
          Effect.map(({ location }) => location.searchParams.get("code") ?? "")
        )
      const [code1, code2] = [yield* codeFor(), yield* codeFor()]
      const missing = yield* promise(() => tokenRequest(send, authUrl, codeGrant(clientId, "x", undefined)))
      assert.deepStrictEqual([missing.status, missing.body["error"]], [400, "invalid_grant"])
      // An id from before a restart: the client must register again, not retry forever.
      const stale = yield* promise(() => tokenRequest(send, authUrl, codeGrant("mana-client-gone", "x", pkce.verifier)))
      assert.deepStrictEqual([stale.status, stale.body["error"]], [401, "invalid_client"])
      const noVerifier = yield* promise(() => tokenRequest(send, authUrl, codeGrant(clientId, code1, undefined)))
      assert.deepStrictEqual([noVerifier.status, noVerifier.body["error"]], [400, "invalid_grant"])
      const other = yield* promise(pkcePair)
      const wrong = yield* promise(() => tokenRequest(send, authUrl, codeGrant(clientId, code2, other.verifier)))
      assert.deepStrictEqual([wrong.status, wrong.body["error"]], [400, "invalid_grant"])
      // A code is single-use even when its first exchange failed.
      const reused = yield* promise(() => tokenRequest(send, authUrl, codeGrant(clientId, code2, pkce.verifier)))
      assert.deepStrictEqual([reused.status, reused.body["error"]], [400, "invalid_grant"])
      const fresh = yield* codeFor()
      const good = yield* promise(() => tokenRequest(send, authUrl, codeGrant(clientId, fresh, pkce.verifier)))
      assert.strictEqual(good.status, 200)
    }))

  it.effect("expires an authorization code after 60 seconds", () =>
    Effect.gen(function*() {
      const { clientId, flow, pkce, send } = yield* setup
      const { location } = yield* promise(() => authorizeAndConsent(send, flow))
      yield* TestClock.adjust("61 seconds")
      const late = yield* promise(() =>
        tokenRequest(send, authUrl, codeGrant(clientId, location.searchParams.get("code") ?? "", pkce.verifier))
      )
      assert.deepStrictEqual([late.status, late.body["error"]], [400, "invalid_grant"])
    }))

  it.effect("redirects invalid_target for a missing or foreign resource", () =>
    Effect.gen(function*() {
      const { clientId, pkce, send } = yield* setup
      for (const target of [undefined, "http://127.0.0.1:9999/mcp", "https://evil.example/mcp"]) {
        const response = yield* promise(() =>
          send(
            new Request(authorizeUrl(authUrl, {
              response_type: "code",
              client_id: clientId,
              redirect_uri: redirectUri,
              code_challenge: pkce.challenge,
              code_challenge_method: "S256",
              state: "s",
              ...(target === undefined ? {} : { resource: target })
            }))
          )
        )
        assert.strictEqual(response.status, 302)
        const location = new URL(response.headers.get("location") ?? "")
        assert.strictEqual(location.searchParams.get("error"), "invalid_target")
        assert.strictEqual(location.searchParams.get("state"), "s")
      }
    }))

  it.effect("shows an error page, never a redirect, for an unregistered redirect_uri or unknown client", () =>
    Effect.gen(function*() {
      const { clientId, pkce, send } = yield* setup
      const base = {
        response_type: "code",
        code_challenge: pkce.challenge,
        code_challenge_method: "S256",
        resource
      }
      for (
        const params of [
          { ...base, client_id: clientId, redirect_uri: "https://evil.example/callback" },
          { ...base, client_id: clientId, redirect_uri: "http://127.0.0.1/other" },
          { ...base, client_id: "mana-client-unknown", redirect_uri: redirectUri }
        ]
      ) {
        const response = yield* promise(() => send(new Request(authorizeUrl(authUrl, params))))
        assert.strictEqual(response.status, 400)
        assert.strictEqual(response.headers.get("location"), null)
        assert.include(response.headers.get("content-type") ?? "", "text/html")
        assert.include(response.headers.get("content-security-policy") ?? "", "frame-ancestors 'none'")
      }
      // RFC 8252: a loopback redirect may use any port.
      const anyPort = yield* promise(() =>
        send(
          new Request(
            authorizeUrl(authUrl, { ...base, client_id: clientId, redirect_uri: "http://127.0.0.1:54321/callback" })
          )
        )
      )
      assert.strictEqual(anyPort.status, 200)
    }))

  it.effect("rotates refresh tokens and revokes the whole family when a spent one comes back", () =>
    Effect.gen(function*() {
      const { clientId, flow, pkce, send } = yield* setup
      const { location } = yield* promise(() => authorizeAndConsent(send, flow))
      const first = yield* promise(() =>
        tokenRequest(send, authUrl, codeGrant(clientId, location.searchParams.get("code") ?? "", pkce.verifier))
      )
      const refresh = (token: unknown) =>
        promise(() =>
          tokenRequest(send, authUrl, {
            grant_type: "refresh_token",
            refresh_token: String(token),
            client_id: clientId
          })
        )
      const second = yield* refresh(first.body["refresh_token"])
      assert.strictEqual(second.status, 200)
      assert.notStrictEqual(second.body["refresh_token"], first.body["refresh_token"])
      const replayed = yield* refresh(first.body["refresh_token"])
      assert.deepStrictEqual([replayed.status, replayed.body["error"]], [400, "invalid_grant"])
      // The legitimate holder's newer token dies with the family.
      const afterReuse = yield* refresh(second.body["refresh_token"])
      assert.deepStrictEqual([afterReuse.status, afterReuse.body["error"]], [400, "invalid_grant"])
    }))

  it.effect("revokes a refresh token family through /revoke (RFC 7009)", () =>
    Effect.gen(function*() {
      const { clientId, flow, pkce, send } = yield* setup
      const { location } = yield* promise(() => authorizeAndConsent(send, flow))
      const tokens = yield* promise(() =>
        tokenRequest(send, authUrl, codeGrant(clientId, location.searchParams.get("code") ?? "", pkce.verifier))
      )
      const revoked = yield* promise(() =>
        postForm(send, `${authUrl}/oauth/revoke`, [["token", String(tokens.body["refresh_token"])], [
          "client_id",
          clientId
        ]])
      )
      assert.strictEqual(revoked.status, 200)
      const refreshed = yield* promise(() =>
        tokenRequest(send, authUrl, {
          grant_type: "refresh_token",
          refresh_token: String(tokens.body["refresh_token"]),
          client_id: clientId
        })
      )
      assert.strictEqual(refreshed.body["error"], "invalid_grant")
    }))

  it.effect("Deny sends access_denied to the client's redirect, with its state", () =>
    Effect.gen(function*() {
      const { flow, send } = yield* setup
      const page = yield* openSignIn({ flow, send }, { state: "keep-me" })
      const denied = yield* promise(() =>
        postForm(send, `${authUrl}/oauth/authorize/sign-in`, [...pageFields(page), ["action", "deny"]], page.cookie)
      )
      assert.strictEqual(denied.status, 303)
      const location = new URL(denied.headers.get("location") ?? "")
      assert.strictEqual(location.searchParams.get("error"), "access_denied")
      assert.strictEqual(location.searchParams.get("state"), "keep-me")
      assert.strictEqual(location.searchParams.get("code"), null)
    }))

  it.effect("refuses a sign-in or consent post without its CSRF token or cookie (403)", () =>
    Effect.gen(function*() {
      const { flow, send } = yield* setup
      const page = yield* openSignIn({ flow, send })
      const credentials = [["email", "dev@mana.test"], ["password", "devpassword"], ["action", "sign-in"]] as const
      const noField = yield* promise(() =>
        postForm(
          send,
          `${authUrl}/oauth/authorize/sign-in`,
          [["request_id", page.requestId], ...credentials],
          page.cookie
        )
      )
      assert.strictEqual(noField.status, 403)
      const noCookie = yield* promise(() =>
        postForm(send, `${authUrl}/oauth/authorize/sign-in`, [...pageFields(page), ...credentials])
      )
      assert.strictEqual(noCookie.status, 403)
      const signedIn = yield* promise(() =>
        postForm(send, `${authUrl}/oauth/authorize/sign-in`, [...pageFields(page), ...credentials], page.cookie)
      )
      const consent = yield* promise(() => readPage(signedIn, page.cookie))
      const [space] = spacesOnPage(consent.html)
      const noCsrfConsent = yield* promise(() =>
        postForm(send, `${authUrl}/oauth/authorize/consent`, [
          ["request_id", consent.requestId],
          ["space", space?.id ?? ""],
          ["scope", "mana.read"],
          ["action", "allow"]
        ], consent.cookie)
      )
      assert.strictEqual(noCsrfConsent.status, 403)
      assert.strictEqual(noCsrfConsent.headers.get("location"), null)
    }))

  it.effect("re-shows the sign-in page after a wrong password and ends the request after five", () =>
    Effect.gen(function*() {
      const { flow, send } = yield* setup
      const page = yield* openSignIn({ flow, send })
      const attempt = () =>
        promise(() =>
          postForm(send, `${authUrl}/oauth/authorize/sign-in`, [
            ...pageFields(page),
            ["email", "dev@mana.test"],
            ["password", "wrong-password"],
            ["action", "sign-in"]
          ], page.cookie)
        )
      for (let n = 1; n < 5; n++) assert.strictEqual((yield* attempt()).status, 401)
      const last = yield* attempt()
      assert.strictEqual(last.status, 303)
      assert.strictEqual(new URL(last.headers.get("location") ?? "").searchParams.get("error"), "access_denied")
    }))

  it.live("accepts a Client ID Metadata Document URL as client_id", () =>
    Effect.gen(function*() {
      const { send } = yield* setup
      const server = createServer((_request, response) => {
        const self = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client.json`
        response.setHeader("content-type", "application/json")
        response.end(JSON.stringify({ client_id: self, client_name: "Metadata Client", redirect_uris: [redirectUri] }))
      })
      yield* Effect.acquireRelease(
        promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))),
        () => promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
      )
      const clientId = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client.json`
      const pkce = yield* promise(pkcePair)
      const { location } = yield* promise(() =>
        authorizeAndConsent(send, { authUrl, clientId, redirectUri, resource, challenge: pkce.challenge })
      )
      const tokens = yield* promise(() =>
        tokenRequest(send, authUrl, {
          grant_type: "authorization_code",
          code: location.searchParams.get("code") ?? "",
          client_id: clientId,
          redirect_uri: redirectUri,
          code_verifier: pkce.verifier
        })
      )
      assert.strictEqual(tokens.status, 200)
    }).pipe(Effect.scoped))
})
