import { HttpApp } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Encoding, Option, Schema, TestClock } from "effect"
import * as Jose from "jose"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { type DevAuth, makeDevAuth } from "../../../src/dev/auth/DevAuth.ts"

const baseUrl = "http://auth.test"

interface Reply {
  readonly status: number
  readonly body: unknown
}

const client = (auth: DevAuth) => {
  const handler = HttpApp.toWebHandler(auth.app)
  return (method: string, path: string, options: { body?: unknown; raw?: string; token?: string } = {}) =>
    Effect.tryPromise(async (): Promise<Reply> => {
      const headers = new Headers({ "content-type": "application/json" })
      if (options.token !== undefined) headers.set("authorization", `Bearer ${options.token}`)
      const body = options.raw ?? (options.body === undefined ? null : JSON.stringify(options.body))
      const response = await handler(new Request(`${baseUrl}${path}`, { method, headers, body }))
      return { status: response.status, body: await response.json() }
    }).pipe(Effect.orDie)
}

const LoginReply = Schema.Struct({
  redirect: Schema.Literal(false),
  token: Schema.String,
  user: Schema.Struct({
    id: Schema.String,
    email: Schema.String,
    name: Schema.String,
    emailVerified: Schema.Literal(true)
  }),
  accessToken: Schema.String,
  refreshToken: Schema.String
})
const Organization = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.String,
  logo: Schema.Null,
  createdAt: Schema.String,
  metadata: Schema.Unknown
})
const ErrorReply = Schema.Struct({ error: Schema.String, status: Schema.Number, message: Schema.String })
const decode = <A, I>(schema: Schema.Schema<A, I>) => (reply: Reply) => Schema.decodeUnknownSync(schema)(reply.body)

const setup = Effect.gen(function*() {
  const auth = yield* makeDevAuth({ baseUrl, dataDir: Option.none() })
  const call = client(auth)
  const signup = (email: string, extra: Record<string, unknown> = {}) =>
    Effect.gen(function*() {
      const registered = yield* call("POST", "/api/v1/auth/register", {
        body: { email, password: "hunter22!", ...extra }
      })
      assert.strictEqual(registered.status, 200)
      const login = yield* call("POST", "/api/v1/auth/login", { body: { email, password: "hunter22!" } })
      assert.strictEqual(login.status, 200)
      return decode(LoginReply)(login)
    })
  return { auth, call, signup }
})

describe("DevAuth", () => {
  it.effect("register then login yields an EdDSA access token that verifies against the JWKS", () =>
    Effect.gen(function*() {
      const { call, signup } = yield* setup
      const login = yield* signup("ada@example.test")
      assert.notStrictEqual(login.token, login.accessToken)
      const jwks = (yield* call("GET", "/api/auth/jwks")).body
      assert.deepStrictEqual((yield* call("GET", "/api/v1/auth/jwks")).body, jwks)
      const keys = Schema.decodeUnknownSync(
        Schema.Struct({
          keys: Schema.Array(
            Schema.Struct({
              kty: Schema.Literal("OKP"),
              crv: Schema.Literal("Ed25519"),
              x: Schema.String,
              kid: Schema.String,
              alg: Schema.Literal("EdDSA")
            })
          )
        })
      )(jwks)
      const verified = yield* Effect.promise(() =>
        Jose.jwtVerify(login.accessToken, Jose.createLocalJWKSet({ keys: keys.keys.map((k) => ({ ...k })) }), {
          algorithms: ["EdDSA"],
          audience: "mana",
          issuer: baseUrl,
          currentDate: new Date(0)
        })
      )
      assert.strictEqual(verified.protectedHeader.kid, keys.keys[0]?.kid)
      assert.strictEqual(verified.payload.sub, login.user.id)
      assert.strictEqual(verified.payload["email"], "ada@example.test")
      assert.strictEqual(verified.payload["role"], "user")
      assert.strictEqual(verified.payload["tier"], "public")
      assert.strictEqual(typeof verified.payload["sid"], "string")
      assert.strictEqual((verified.payload.exp ?? 0) - (verified.payload.iat ?? 0), 900)
    }))

  it.effect("refuses a duplicate email (409), a short password and bad JSON (400)", () =>
    Effect.gen(function*() {
      const { call, signup } = yield* setup
      yield* signup("ada@example.test")
      const duplicate = yield* call("POST", "/api/v1/auth/register", {
        body: { email: "ADA@example.test", password: "whatever12" }
      })
      assert.strictEqual(duplicate.status, 409)
      assert.strictEqual(decode(ErrorReply)(duplicate).error, "EMAIL_ALREADY_REGISTERED")
      const weak = yield* call("POST", "/api/v1/auth/register", {
        body: { email: "bob@example.test", password: "short" }
      })
      assert.deepStrictEqual([weak.status, decode(ErrorReply)(weak).error], [400, "WEAK_PASSWORD"])
      const badJson = yield* call("POST", "/api/v1/auth/register", { raw: "{not json" })
      assert.deepStrictEqual([badJson.status, decode(ErrorReply)(badJson).error], [400, "VALIDATION"])
      const missing = yield* call("POST", "/api/v1/auth/login", { body: { email: "ada@example.test" } })
      assert.deepStrictEqual([missing.status, decode(ErrorReply)(missing).error], [400, "VALIDATION"])
    }))

  it.effect("answers 401 INVALID_CREDENTIALS for a wrong password or unknown email", () =>
    Effect.gen(function*() {
      const { call, signup } = yield* setup
      yield* signup("ada@example.test")
      for (
        const body of [{ email: "ada@example.test", password: "wrong-password" }, {
          email: "nobody@example.test",
          password: "hunter22!"
        }]
      ) {
        const reply = yield* call("POST", "/api/v1/auth/login", { body })
        assert.deepStrictEqual([reply.status, decode(ErrorReply)(reply).error], [401, "INVALID_CREDENTIALS"])
      }
    }))

  it.effect("refresh mints a new access token from the opaque refresh token", () =>
    Effect.gen(function*() {
      const { call, signup } = yield* setup
      const login = yield* signup("ada@example.test")
      const refreshed = yield* call("POST", "/api/v1/auth/refresh", { body: { refreshToken: login.refreshToken } })
      assert.strictEqual(refreshed.status, 200)
      const bad = yield* call("POST", "/api/v1/auth/refresh", { body: { refreshToken: login.accessToken } })
      assert.strictEqual(bad.status, 401)
    }))

  it.effect("lists the personal space with object metadata, and requires a bearer token", () =>
    Effect.gen(function*() {
      const { call, signup } = yield* setup
      const login = yield* signup("ada.lovelace@example.test", { name: "Ada" })
      const list = yield* call("GET", "/api/auth/organization/list", { token: login.accessToken })
      assert.strictEqual(list.status, 200)
      const orgs = decode(Schema.Array(Organization))(list)
      assert.strictEqual(orgs.length, 1)
      assert.strictEqual(orgs[0]?.name, "Ada")
      assert.strictEqual(orgs[0]?.slug, "ada-lovelace")
      assert.match(orgs[0]?.id ?? "", /^[A-Za-z0-9_-]{21}$/)
      assert.deepStrictEqual(orgs[0]?.metadata, { type: "personal", tier: "public" })
      assert.strictEqual((yield* call("GET", "/api/auth/organization/list")).status, 401)
    }))

  it.effect("creates spaces with JSON-string metadata and shares them through add-member", () =>
    Effect.gen(function*() {
      const { auth, call, signup } = yield* setup
      const ada = yield* signup("ada@example.test")
      const bob = yield* signup("bob@example.test")
      const created = yield* call("POST", "/api/auth/organization/create", {
        token: ada.accessToken,
        body: { name: "Family", type: "family" }
      })
      assert.strictEqual(created.status, 200)
      const family = decode(Organization)(created)
      assert.strictEqual(family.metadata, "{\"type\":\"family\"}")
      const denied = yield* call("POST", "/api/auth/organization/add-member", {
        token: bob.accessToken,
        body: { organizationId: family.id, email: "bob@example.test" }
      })
      assert.strictEqual(denied.status, 403)
      const added = yield* call("POST", "/api/auth/organization/add-member", {
        token: ada.accessToken,
        body: { organizationId: family.id, email: "bob@example.test" }
      })
      assert.strictEqual(added.status, 200)
      assert.include(yield* auth.membershipsOf(bob.user.id), family.id)
      const bobs = decode(Schema.Array(Organization))(
        yield* call("GET", "/api/auth/organization/list", { token: bob.accessToken })
      )
      assert.deepStrictEqual(bobs.map((o) => o.metadata), [
        { type: "personal", tier: "public" },
        "{\"type\":\"family\"}"
      ])
    }))

  it.effect("vault: standard key, zero-knowledge wrap, not initialised, init, 401 — and counts fetches", () =>
    Effect.gen(function*() {
      const { auth, call, signup } = yield* setup
      const ada = yield* signup("ada@example.test")
      const key = yield* call("GET", "/api/v1/me/encryption-vault/key", { token: ada.accessToken })
      const standard = decode(
        Schema.Struct({ masterKey: Schema.String, formatVersion: Schema.Literal(1), kekId: Schema.Literal("env-v1") })
      )(key)
      const bytes = Encoding.decodeBase64(standard.masterKey)
      assert.strictEqual(bytes._tag === "Right" ? bytes.right.length : -1, 32)

      const zk = yield* auth.issueToken("zk@mana.test")
      const wrapped = yield* call("GET", "/api/v1/me/encryption-vault/key", { token: zk.accessToken })
      assert.strictEqual(wrapped.status, 200)
      const zkBody = decode(
        Schema.Struct({
          requiresRecoveryCode: Schema.Literal(true),
          recoveryWrappedMk: Schema.String,
          recoveryIv: Schema.String,
          formatVersion: Schema.Literal(1)
        })
      )(wrapped)
      assert.isFalse("masterKey" in zkBody)
      assert.notProperty(wrapped.body, "masterKey")

      yield* auth.setVault(ada.user.id, "uninitialised")
      const missing = yield* call("GET", "/api/v1/me/encryption-vault/key", { token: ada.accessToken })
      assert.strictEqual(missing.status, 404)
      assert.deepStrictEqual(missing.body, { error: "vault not initialised", code: "VAULT_NOT_INITIALISED" })
      const init = yield* call("POST", "/api/v1/me/encryption-vault/init", { token: ada.accessToken })
      assert.strictEqual(init.status, 200)
      assert.notStrictEqual(decode(Schema.Struct({ masterKey: Schema.String }))(init).masterKey, standard.masterKey)

      assert.deepStrictEqual(yield* call("GET", "/api/v1/me/encryption-vault/key"), {
        status: 401,
        body: { statusCode: 401, message: "Missing or invalid Authorization header" }
      })
      yield* TestClock.adjust("16 minutes")
      assert.deepStrictEqual(yield* call("GET", "/api/v1/me/encryption-vault/key", { token: ada.accessToken }), {
        status: 401,
        body: { statusCode: 401, message: "Invalid or expired token" }
      })
      assert.strictEqual(yield* auth.vaultFetches(ada.user.id), 2)
    }))

  it.effect("rejects a vault call with a token from another issuer", () =>
    Effect.gen(function*() {
      const { call } = yield* setup
      const other = yield* makeDevAuth({ baseUrl: "http://elsewhere.test", dataDir: Option.none() })
      const foreign = yield* other.issueToken("dev@mana.test")
      assert.strictEqual(
        (yield* call("GET", "/api/v1/me/encryption-vault/key", { token: foreign.accessToken })).status,
        401
      )
    }))

  it.effect("issueToken mints a 7-day token for the seeded dev user, who also shares the Dev Team space", () =>
    Effect.gen(function*() {
      const { auth, call } = yield* setup
      const issued = yield* auth.issueToken("dev@mana.test")
      const claims = Jose.decodeJwt(issued.accessToken)
      assert.strictEqual((claims.exp ?? 0) - (claims.iat ?? 0), 7 * 24 * 3600)
      assert.strictEqual(claims.sub, issued.userId)
      const memberships = yield* auth.membershipsOf(issued.userId)
      assert.strictEqual(memberships[0], issued.personalSpaceId)
      assert.strictEqual(memberships.length, 2)
      const zk = yield* auth.issueToken("zk@mana.test")
      const shared = memberships[1]
      assert.isTrue(shared !== undefined && (yield* auth.membershipsOf(zk.userId)).includes(shared))
      assert.strictEqual(
        (yield* call("GET", "/api/v1/me/encryption-vault/key", { token: issued.accessToken })).status,
        200
      )
      const missing = yield* Effect.flip(auth.issueToken("ghost@mana.test"))
      assert.strictEqual(missing._tag, "DevUserNotFound")
    }))

  it.effect("persists users, spaces and the signing key across re-creation", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "devauth-"))),
        (path) => Effect.promise(() => Fs.rm(path, { recursive: true, force: true }))
      )
      const first = yield* makeDevAuth({ baseUrl, dataDir: Option.some(dir) })
      const token = yield* first.issueToken("dev@mana.test")
      const key = (yield* client(first)("GET", "/api/v1/me/encryption-vault/key", { token: token.accessToken })).body

      const second = yield* makeDevAuth({ baseUrl, dataDir: Option.some(dir) })
      const again = yield* second.issueToken("dev@mana.test")
      assert.strictEqual(again.userId, token.userId)
      assert.strictEqual(again.personalSpaceId, token.personalSpaceId)
      const reply = yield* client(second)("GET", "/api/v1/me/encryption-vault/key", { token: token.accessToken })
      assert.deepStrictEqual(reply, { status: 200, body: key })
      const stored = yield* Effect.promise(() => Fs.readFile(Path.join(dir, "auth.json"), "utf8"))
      assert.notInclude(stored, "devpassword")
    }).pipe(Effect.scoped))
})
