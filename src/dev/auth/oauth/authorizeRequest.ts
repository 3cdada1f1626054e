/**
 * Validation of an `/authorize` request, in the order OAuth 2.1 prescribes: while the client or
 * its redirect URI is in doubt, the answer is an error page and never a redirect (an open
 * redirector otherwise); after that, problems go back to the client's redirect URI as
 * `error=…`. PKCE S256 is required, and `resource` must be the gateway's resource URL (RFC 8707),
 * else `invalid_target`. Not responsible for signing the user in.
 */
import { Effect, Either } from "effect"
import { isManaScope, type ManaScope, manaScopes, parseScope } from "../../../auth/scopes.ts"
import type { ClientRegistry, OAuthClient } from "./clientRegistry.ts"
import { isS256Challenge } from "./pkce.ts"
import { redirectUriMatches } from "./redirectUris.ts"

export interface ValidAuthorization {
  readonly client: OAuthClient
  readonly redirectUri: string
  readonly state: string | undefined
  readonly codeChallenge: string
  readonly scopes: ReadonlyArray<ManaScope>
  readonly resource: string
}

/** Shown to the user; the client is not trusted with a redirect. */
export interface ErrorPage {
  readonly _tag: "ErrorPage"
  readonly message: string
}

/** Sent to the client's (verified) redirect URI. */
export interface RedirectError {
  readonly _tag: "RedirectError"
  readonly redirectUri: string
  readonly error: "invalid_request" | "unsupported_response_type" | "invalid_scope" | "invalid_target"
  readonly description: string
  readonly state: string | undefined
}

const single = (params: URLSearchParams, name: string): Either.Either<string | undefined, string> => {
  const values = params.getAll(name)
  if (values.length > 1) return Either.left(`the ${name} parameter is given ${values.length} times`)
  return Either.right(values[0])
}

export const validateAuthorization = (
  params: URLSearchParams,
  options: { readonly clients: ClientRegistry; readonly isResource: (resource: string) => boolean }
): Effect.Effect<ValidAuthorization, ErrorPage | RedirectError> =>
  Effect.gen(function*() {
    const page = (message: string): ErrorPage => ({ _tag: "ErrorPage", message })
    const clientId = yield* Either.mapLeft(single(params, "client_id"), page)
    if (clientId === undefined || clientId === "") return yield* Effect.fail(page("The request names no client_id."))
    const client = yield* options.clients.find(clientId).pipe(Effect.mapError((unknown) => page(unknown.description)))
    const redirectUri = yield* Either.mapLeft(single(params, "redirect_uri"), page)
    if (redirectUri === undefined) return yield* Effect.fail(page("The request names no redirect_uri."))
    if (!redirectUriMatches(client.redirectUris, redirectUri)) {
      return yield* Effect.fail(page(
        `The redirect_uri ${JSON.stringify(redirectUri)} is not registered for ${client.clientName}.`
      ))
    }

    const state = params.get("state") ?? undefined
    const back = (error: RedirectError["error"], description: string): RedirectError => ({
      _tag: "RedirectError",
      redirectUri,
      error,
      description,
      state
    })
    for (const name of ["response_type", "code_challenge", "code_challenge_method", "resource", "scope", "state"]) {
      const problem = single(params, name)
      if (Either.isLeft(problem)) return yield* Effect.fail(back("invalid_request", problem.left))
    }
    const responseType = params.get("response_type")
    if (responseType !== "code") {
      return yield* Effect.fail(back("unsupported_response_type", "Only response_type=code is supported"))
    }
    const challenge = params.get("code_challenge") ?? ""
    if (params.get("code_challenge_method") !== "S256") {
      return yield* Effect.fail(back("invalid_request", "PKCE is required with code_challenge_method=S256"))
    }
    if (!isS256Challenge(challenge)) {
      return yield* Effect.fail(back("invalid_request", "code_challenge must be the 43-character S256 challenge"))
    }
    const resource = params.get("resource") ?? ""
    if (!options.isResource(resource)) {
      return yield* Effect.fail(back(
        "invalid_target",
        resource === ""
          ? "The resource parameter is required: the MCP gateway's resource URL"
          : `${JSON.stringify(resource)} is not a resource this server issues tokens for`
      ))
    }
    const requested = parseScope(params.get("scope") ?? "")
    // offline_access is how some clients ask for a refresh token; one is always issued here.
    const unknown = requested.filter((scope) => !isManaScope(scope) && scope !== "offline_access")
    if (unknown.length > 0) {
      return yield* Effect.fail(
        back("invalid_scope", `Unknown scope ${unknown.join(", ")}; known: ${manaScopes.join(" ")}`)
      )
    }
    const scopes = requested.filter(isManaScope)
    return {
      client,
      redirectUri,
      state,
      codeChallenge: challenge,
      // No scope asked for: offer all, the user chooses on the consent page.
      scopes: scopes.length === 0 ? manaScopes : scopes,
      resource
    } satisfies ValidAuthorization
  })
