/**
 * The HTTP surface of the dev authorization server (local mode only): RFC 8414 metadata and
 * its OpenID alias, RFC 7591 registration, `/authorize` with the sign-in and consent pages,
 * `/token` (authorization_code, refresh_token) and RFC 7009 `/revoke`. Form posts from the pages
 * must carry the request's CSRF token both as a field and in its cookie, else 403. Protocol
 * errors use the OAuth shapes (`error`, `error_description`); nothing here answers 500 on bad input.
 */
import { Headers, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { type Clock, type Duration, Effect, Either, Encoding, Option } from "effect"
import { isManaScope } from "../../../auth/scopes.ts"
import type { DevAuthCore } from "../DevAuthCore.ts"
import type { DevSpace } from "../DevAuthStore.ts"
import { validateAuthorization } from "./authorizeRequest.ts"
import { makeClientRegistry } from "./clientRegistry.ts"
import {
  consentPage,
  errorPage,
  pageHeaders,
  type RequestContext,
  signInPage,
  type SpaceChoice
} from "./consentPage.ts"
import { makeGrants, TokenError } from "./grants.ts"
import { authorizationServerMetadata, oauthPaths } from "./metadata.ts"
import { makePendingAuthorizations, maxFailedSignIns, type Pending } from "./pendingAuthorizations.ts"
import { makePriorGrants } from "./priorGrants.ts"

export interface OAuthServerOptions {
  readonly issuer: string
  readonly core: DevAuthCore
  readonly clock: Clock.Clock
  /** True for the gateway's resource URL(s): the only `resource` tokens are issued for. */
  readonly isResource: (resource: string) => boolean
  readonly accessTokenTtl: Duration.Duration
}

const cors = { "access-control-allow-origin": "*" }
const noStore = { "cache-control": "no-store", pragma: "no-cache" }

const jsonResponse = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  HttpServerResponse.unsafeJson(body, { status, headers: Headers.fromInput({ ...cors, ...noStore, ...headers }) })

const oauthError = (error: string, description: string, status = 400) =>
  jsonResponse({ error, error_description: description }, status)

const html = (body: string, status: number, headers: Record<string, string>) =>
  HttpServerResponse.text(body, {
    status,
    contentType: "text/html; charset=utf-8",
    headers: Headers.fromInput(headers)
  })

const preflight = HttpServerResponse.empty({
  status: 204,
  headers: Headers.fromInput({
    ...cors,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "authorization, content-type, mcp-protocol-version",
    "access-control-max-age": "600"
  })
})

const requestUrl = (issuer: string) =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) => new URL(request.url, issuer))

/** The body as form fields; anything but `application/x-www-form-urlencoded` reads as empty. */
const formBody = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase()
  if (type !== "application/x-www-form-urlencoded") return Option.none<URLSearchParams>()
  const text = yield* Effect.orElseSucceed(request.text, () => "")
  return Option.some(new URLSearchParams(text))
})

/** `client_id` from the form, or from an HTTP Basic header whose password is empty (public client). */
const clientIdOf = (form: URLSearchParams) =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
    const field = form.get("client_id")
    if (field !== null && field !== "") return field
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers["authorization"] ?? "")
    const decoded = basic?.[1] === undefined ? undefined : Encoding.decodeBase64String(basic[1])
    if (decoded === undefined || Either.isLeft(decoded)) return undefined
    const name = decoded.right.split(":")[0]
    return name === undefined || name === "" ? undefined : decodeURIComponent(name)
  })

const spaceTypeOf = (space: DevSpace): string => {
  const raw = space.metadata
  const metadata: unknown = typeof raw === "string"
    ? Either.getOrElse(Either.try((): unknown => JSON.parse(raw)), () => null)
    : raw
  if (typeof metadata === "object" && metadata !== null && "type" in metadata && typeof metadata.type === "string") {
    return metadata.type
  }
  return "shared"
}

const csrfCookie = (pendingId: string) => `mana_csrf_${pendingId}`

/** Where a form post may land: the redirect's origin, or its private-use scheme. */
const redirectTarget = (redirectUri: string) => {
  const url = new URL(redirectUri)
  return url.protocol === "http:" || url.protocol === "https:" ? url.origin : url.protocol
}

export const makeOAuthRoutes = (options: OAuthServerOptions) =>
  Effect.gen(function*() {
    const { clock, core, issuer } = options
    const clients = yield* makeClientRegistry
    const grants = yield* makeGrants({ signer: core.signer, clock, accessTokenTtl: options.accessTokenTtl })
    const pending = yield* makePendingAuthorizations(clock)
    const priorGrants = yield* makePriorGrants
    const metadata = authorizationServerMetadata(issuer)

    const redirectTo = (redirectUri: string, params: Record<string, string | undefined>, status: 302 | 303) => {
      const url = new URL(redirectUri)
      for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value)
      // RFC 9207: the client can tell which authorization server answered.
      url.searchParams.set("iss", issuer)
      return HttpServerResponse.empty({
        status,
        headers: Headers.fromInput({
          location: url.href,
          "cache-control": "no-store",
          "referrer-policy": "no-referrer"
        })
      })
    }

    const contextOf = (entry: Pending): RequestContext => {
      const target = new URL(entry.request.redirectUri)
      const loopback = target.protocol === "http:" && ["127.0.0.1", "[::1]", "localhost"].includes(target.hostname)
      return {
        clientName: entry.request.client.clientName,
        // A loopback port is an implementation detail of the app on this computer; the host says enough.
        redirectHost: loopback
          ? `${target.hostname} (this computer)`
          : target.host === ""
          ? target.protocol
          : target.host,
        requestId: entry.id,
        csrfToken: entry.csrfToken
      }
    }
    const page = (entry: Pending, body: string, status = 200) =>
      html(body, status, pageHeaders(redirectTarget(entry.request.redirectUri)))
    const failurePage = (message: string, status: number) => html(errorPage(message), status, pageHeaders())

    const spaceChoices = (userId: string) =>
      Effect.map(core.spacesOf(userId), (spaces): ReadonlyArray<SpaceChoice> =>
        spaces
          .map((space) => ({ id: space.id, name: space.name, type: spaceTypeOf(space) }))
          .sort((a, b) => Number(b.type === "personal") - Number(a.type === "personal")))

    const authorize = Effect.gen(function*() {
      const url = yield* requestUrl(issuer)
      const outcome = yield* Effect.either(
        validateAuthorization(url.searchParams, { clients, isResource: options.isResource })
      )
      if (Either.isLeft(outcome)) {
        const refusal = outcome.left
        return refusal._tag === "ErrorPage"
          ? failurePage(refusal.message, 400)
          : redirectTo(refusal.redirectUri, {
            error: refusal.error,
            error_description: refusal.description,
            state: refusal.state
          }, 302)
      }
      const entry = yield* pending.start(outcome.right)
      const secure = issuer.startsWith("https:") ? "; Secure" : ""
      return html(signInPage(contextOf(entry), {}), 200, {
        ...pageHeaders(redirectTarget(entry.request.redirectUri)),
        "set-cookie": `${
          csrfCookie(entry.id)
        }=${entry.csrfToken}; Path=/oauth; HttpOnly; SameSite=Strict; Max-Age=600${secure}`
      })
    })

    /** The pending request a page posted, with its CSRF token checked; or the refusal to send. */
    const postedRequest = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const form = yield* formBody
      if (Option.isNone(form)) {
        return Either.left(failurePage("The form was not sent as application/x-www-form-urlencoded.", 400))
      }
      const entry = yield* pending.find(form.value.get("request_id") ?? "")
      if (entry === undefined) {
        return Either.left(failurePage("This sign-in request is unknown or has expired (10 minutes).", 400))
      }
      const field = form.value.get("csrf_token")
      const cookie = request.cookies[csrfCookie(entry.id)]
      if (field === null || field !== entry.csrfToken || cookie !== entry.csrfToken) {
        return Either.left(
          failurePage("The form's CSRF token is missing or does not match; start again from your app.", 403)
        )
      }
      return Either.right({ entry, form: form.value })
    })

    const deny = (entry: Pending, description: string) =>
      Effect.as(
        pending.remove(entry.id),
        redirectTo(entry.request.redirectUri, {
          error: "access_denied",
          error_description: description,
          state: entry.request.state
        }, 303)
      )

    const signIn = Effect.gen(function*() {
      const posted = yield* postedRequest
      if (Either.isLeft(posted)) return posted.left
      const { entry, form } = posted.right
      if (form.get("action") === "deny") return yield* deny(entry, "The user denied access")
      const email = form.get("email") ?? ""
      const user = yield* Effect.either(core.verifyCredentials(email, form.get("password") ?? ""))
      if (Either.isLeft(user)) {
        const failed = { ...entry, failedSignIns: entry.failedSignIns + 1 }
        if (failed.failedSignIns >= maxFailedSignIns) return yield* deny(entry, "Too many failed sign-in attempts")
        yield* pending.update(failed)
        return page(failed, signInPage(contextOf(failed), { error: "Wrong email or password.", email }), 401)
      }
      const signedIn = { ...entry, user: { id: user.right.id, email: user.right.email } }
      yield* pending.update(signedIn)
      const spaces = yield* spaceChoices(user.right.id)
      const prior = yield* priorGrants.find(user.right.id, entry.request.client.clientId)
      return page(
        signedIn,
        consentPage(contextOf(signedIn), {
          email: user.right.email,
          spaces,
          scopes: entry.request.scopes,
          ...(prior === undefined ? {} : { prior })
        })
      )
    })

    const consent = Effect.gen(function*() {
      const posted = yield* postedRequest
      if (Either.isLeft(posted)) return posted.left
      const { entry, form } = posted.right
      const user = entry.user
      if (user === undefined) return failurePage("Sign in before deciding.", 400)
      if (form.get("action") === "deny") return yield* deny(entry, "The user denied access")
      const spaces = yield* spaceChoices(user.id)
      const again = (error: string) =>
        page(
          entry,
          consentPage(contextOf(entry), { email: user.email, spaces, scopes: entry.request.scopes, error }),
          400
        )
      const space = spaces.find((choice) => choice.id === form.get("space"))
      if (space === undefined) return again("Choose the space the agent may act in.")
      const chosen = form.getAll("scope")
      const scopes = entry.request.scopes.filter((scope) => chosen.includes(scope))
      if (scopes.length === 0 || chosen.some((scope) => !isManaScope(scope) || !scopes.includes(scope))) {
        return again("Choose at least one of the permissions listed.")
      }
      const code = yield* grants.issueCode(
        {
          userId: user.id,
          email: user.email,
          clientId: entry.request.client.clientId,
          spaceId: space.id,
          scopes,
          resource: entry.request.resource
        },
        entry.request.redirectUri,
        entry.request.codeChallenge
      )
      yield* priorGrants.remember(user.id, entry.request.client.clientId, { scopes, spaceId: space.id })
      yield* pending.remove(entry.id)
      return redirectTo(entry.request.redirectUri, { code, state: entry.request.state }, 303)
    })

    const token = Effect.gen(function*() {
      const form = yield* formBody
      if (Option.isNone(form)) {
        return yield* new TokenError({
          error: "invalid_request",
          description: "Send the token request as application/x-www-form-urlencoded"
        })
      }
      const fields = form.value
      const clientId = yield* clientIdOf(fields)
      const optional = (name: string) => fields.get(name) ?? undefined
      const required = (name: string) =>
        Option.match(Option.fromNullable(fields.get(name)).pipe(Option.filter((value) => value !== "")), {
          onNone: () => Effect.fail(new TokenError({ error: "invalid_request", description: `${name} is missing` })),
          onSome: Effect.succeed
        })
      if (clientId === undefined) {
        return yield* new TokenError({ error: "invalid_request", description: "client_id is missing" })
      }
      if (!(yield* clients.isKnown(clientId))) {
        return yield* new TokenError({
          error: "invalid_client",
          description: "Unknown client_id (registrations do not survive a restart of the dev server); register again"
        })
      }
      const grantType = fields.get("grant_type")
      const issued = grantType === "authorization_code"
        ? yield* grants.exchangeCode({
          code: yield* required("code"),
          clientId,
          redirectUri: optional("redirect_uri"),
          codeVerifier: optional("code_verifier"),
          resource: optional("resource")
        })
        : grantType === "refresh_token"
        ? yield* grants.refresh({
          refreshToken: yield* required("refresh_token"),
          clientId,
          scope: optional("scope"),
          resource: optional("resource")
        })
        : yield* new TokenError({
          error: "unsupported_grant_type",
          description: "grant_type must be authorization_code or refresh_token"
        })
      return jsonResponse(issued, 200)
    }).pipe(
      Effect.catchTag("TokenError", (error) =>
        Effect.succeed(
          // RFC 6749 §5.2: a client that failed authentication gets 401.
          oauthError(error.error, error.description, error.error === "invalid_client" ? 401 : 400)
        ))
    )

    const revoke = Effect.gen(function*() {
      const form = yield* formBody
      const tokenValue = Option.flatMap(form, (fields) => Option.fromNullable(fields.get("token")))
      if (Option.isNone(form) || Option.isNone(tokenValue) || tokenValue.value === "") {
        return oauthError("invalid_request", "Send token=… as application/x-www-form-urlencoded")
      }
      yield* grants.revoke(tokenValue.value, yield* clientIdOf(form.value))
      return jsonResponse({}, 200)
    }).pipe(Effect.catchTag("TokenError", (error) => Effect.succeed(oauthError(error.error, error.description))))

    const register = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const body = yield* request.json.pipe(Effect.orElseSucceed(() => null))
      const client = yield* clients.register(body)
      return jsonResponse({
        client_id: client.clientId,
        client_id_issued_at: Math.floor((yield* clock.currentTimeMillis) / 1000),
        client_name: client.clientName,
        redirect_uris: client.redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none"
      }, 201)
    }).pipe(
      Effect.catchTag(
        "RegistrationRejected",
        (rejected) => Effect.succeed(oauthError(rejected.error, rejected.description))
      )
    )

    const metadataResponse = Effect.succeed(
      HttpServerResponse.unsafeJson(metadata, { headers: Headers.fromInput(cors) })
    )

    return HttpRouter.empty.pipe(
      HttpRouter.get("/.well-known/oauth-authorization-server", metadataResponse),
      HttpRouter.get("/.well-known/openid-configuration", metadataResponse),
      HttpRouter.options("/.well-known/oauth-authorization-server", Effect.succeed(preflight)),
      HttpRouter.options("/.well-known/openid-configuration", Effect.succeed(preflight)),
      HttpRouter.get(oauthPaths.authorize, authorize),
      HttpRouter.post(oauthPaths.signIn, signIn),
      HttpRouter.post(oauthPaths.consent, consent),
      HttpRouter.post(oauthPaths.token, token),
      HttpRouter.options(oauthPaths.token, Effect.succeed(preflight)),
      HttpRouter.post(oauthPaths.register, register),
      HttpRouter.options(oauthPaths.register, Effect.succeed(preflight)),
      HttpRouter.post(oauthPaths.revoke, revoke),
      HttpRouter.options(oauthPaths.revoke, Effect.succeed(preflight))
    )
  })
