/**
 * The browser side of the dev authorization server: `GET /oauth/authorize` (validate, then the
 * sign-in page), the sign-in post (password, then the consent page) and the consent post (space
 * and scopes, then the code at the client's redirect). Form posts must carry the request's CSRF
 * token both as a field and in its cookie, else 403. Not responsible for tokens.
 */
import { Headers, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either } from "effect"
import { isManaScope } from "../../../auth/scopes.ts"
import type { DevAuthCore } from "../DevAuthCore.ts"
import type { DevSpace } from "../DevAuthStore.ts"
import { validateAuthorization } from "./authorizeRequest.ts"
import type { ClientRegistry } from "./clientRegistry.ts"
import {
  consentPage,
  errorPage,
  pageHeaders,
  type RequestContext,
  signInPage,
  type SpaceChoice
} from "./consentPage.ts"
import type { Grants } from "./grants.ts"
import { bodyTooLarge, formBody, html, requestUrl } from "./oauthHttp.ts"
import { maxFailedSignIns, type Pending, type PendingAuthorizations } from "./pendingAuthorizations.ts"

export interface AuthorizeRouteOptions {
  readonly issuer: string
  readonly core: DevAuthCore
  readonly clients: ClientRegistry
  readonly grants: Grants
  readonly pending: PendingAuthorizations
  readonly isResource: (resource: string) => boolean
}

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

const contextOf = (entry: Pending): RequestContext => {
  const target = new URL(entry.request.redirectUri)
  const loopback = target.protocol === "http:" && ["127.0.0.1", "[::1]", "localhost"].includes(target.hostname)
  return {
    clientName: entry.request.client.clientName,
    // A loopback port is an implementation detail of the app on this computer; the host says enough.
    redirectHost: target.host === "" ? target.protocol : loopback ? target.hostname : target.host,
    redirectIsThisComputer: loopback,
    requestId: entry.id,
    csrfToken: entry.csrfToken
  }
}

const page = (entry: Pending, body: string, status = 200) =>
  html(body, status, pageHeaders(redirectTarget(entry.request.redirectUri)))

const failurePage = (message: string, status: number) => html(errorPage(message), status, pageHeaders())

export const makeAuthorizeRoutes = (options: AuthorizeRouteOptions) => {
  const { clients, core, grants, issuer, pending } = options

  const redirectTo = (redirectUri: string, params: Record<string, string | undefined>, status: 302 | 303) => {
    const url = new URL(redirectUri)
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value)
    // RFC 9207: the client can tell which authorization server answered.
    url.searchParams.set("iss", issuer)
    return HttpServerResponse.empty({
      status,
      headers: Headers.fromInput({ location: url.href, "cache-control": "no-store", "referrer-policy": "no-referrer" })
    })
  }

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
    if (Either.isLeft(form)) {
      return Either.left(
        form.left === "too-large"
          ? failurePage(bodyTooLarge, 413)
          : failurePage("The form was not sent as application/x-www-form-urlencoded.", 400)
      )
    }
    const entry = yield* pending.find(form.right.get("request_id") ?? "")
    if (entry === undefined) {
      return Either.left(failurePage("This sign-in request is unknown or has expired (10 minutes).", 400))
    }
    const field = form.right.get("csrf_token")
    const cookie = request.cookies[csrfCookie(entry.id)]
    if (field === null || field !== entry.csrfToken || cookie !== entry.csrfToken) {
      return Either.left(
        failurePage("The form's CSRF token is missing or does not match; start again from your app.", 403)
      )
    }
    return Either.right({ entry, form: form.right })
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
    return page(
      signedIn,
      consentPage(contextOf(signedIn), { email: user.right.email, spaces, scopes: entry.request.scopes })
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
    yield* pending.remove(entry.id)
    return redirectTo(entry.request.redirectUri, { code, state: entry.request.state }, 303)
  })

  return { authorize, signIn, consent }
}
