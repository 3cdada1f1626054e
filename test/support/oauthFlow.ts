/**
 * Drives the dev authorization server the way a browser and an OAuth client would, over any
 * `send` (an in-process web handler or real `fetch`): PKCE pairs, registration, the sign-in and
 * consent forms (with their CSRF field and cookie), and token requests. Returns raw responses so
 * tests can assert every status and header.
 */
import { Encoding } from "effect"

export type Send = (request: Request) => Promise<Response>

export const fetchSend: Send = (request) => fetch(request, { redirect: "manual" })

export const pkcePair = async () => {
  const verifier = Encoding.encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)))
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))
  return { verifier, challenge: Encoding.encodeBase64Url(new Uint8Array(digest)) }
}

export const registerClient = async (send: Send, authUrl: string, redirectUris: ReadonlyArray<string>) => {
  const response = await send(
    new Request(`${authUrl}/oauth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: redirectUris, client_name: "Test Agent" })
    })
  )
  const body = (await response.json()) as { client_id: string }
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${JSON.stringify(body)}`)
  return body.client_id
}

export const authorizeUrl = (authUrl: string, params: Record<string, string>) => {
  const url = new URL(`${authUrl}/oauth/authorize`)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return url.href
}

/** The hidden fields and CSRF cookie of a sign-in or consent page. */
export interface PageForm {
  readonly requestId: string
  readonly csrfToken: string
  readonly cookie: string
  readonly html: string
}

const hiddenValue = (html: string, name: string) => {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)
  if (match?.[1] === undefined) throw new Error(`no ${name} field on the page:\n${html.slice(0, 500)}`)
  return match[1]
}

export const readPage = async (response: Response, cookie?: string): Promise<PageForm> => {
  const html = await response.text()
  const setCookie = response.headers.get("set-cookie")
  return {
    requestId: hiddenValue(html, "request_id"),
    csrfToken: hiddenValue(html, "csrf_token"),
    cookie: setCookie === null ? (cookie ?? "") : (setCookie.split(";")[0] ?? ""),
    html
  }
}

/** The spaces offered on a consent page, in page order. */
export const spacesOnPage = (html: string) =>
  [...html.matchAll(/name="space" value="([^"]+)"(?: checked)? required><label for="[^"]+">([^<]+)<span/g)].map((
    match
  ) => ({
    id: match[1] ?? "",
    name: match[2] ?? ""
  }))

export const postForm = (
  send: Send,
  url: string,
  fields: ReadonlyArray<readonly [string, string]>,
  cookie?: string
) =>
  send(
    new Request(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(cookie === undefined || cookie === "" ? {} : { cookie })
      },
      body: new URLSearchParams(fields.map(([name, value]) => [name, value])).toString()
    })
  )

export const pageFields = (page: PageForm): Array<readonly [string, string]> => [
  ["request_id", page.requestId],
  ["csrf_token", page.csrfToken]
]

export interface FlowOptions {
  readonly authUrl: string
  readonly clientId: string
  readonly redirectUri: string
  readonly resource: string
  readonly challenge: string
  readonly email?: string
  readonly password?: string
  readonly scopes?: ReadonlyArray<string>
  /** Picks the space by name (default: the first offered). */
  readonly spaceName?: string
  readonly state?: string
}

/** Authorize → sign in → consent; resolves with the redirect the consent answered with. */
export const authorizeAndConsent = async (send: Send, options: FlowOptions) => {
  const authorized = await send(
    new Request(
      authorizeUrl(options.authUrl, {
        response_type: "code",
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        code_challenge: options.challenge,
        code_challenge_method: "S256",
        resource: options.resource,
        scope: "mana.read mana.write",
        state: options.state ?? "state-1"
      })
    )
  )
  if (authorized.status !== 200) throw new Error(`authorize answered ${authorized.status}`)
  const signInPage = await readPage(authorized)
  const consentResponse = await postForm(send, `${options.authUrl}/oauth/authorize/sign-in`, [
    ...pageFields(signInPage),
    ["email", options.email ?? "dev@mana.test"],
    ["password", options.password ?? "devpassword"],
    ["action", "sign-in"]
  ], signInPage.cookie)
  if (consentResponse.status !== 200) throw new Error(`sign-in answered ${consentResponse.status}`)
  const consent = await readPage(consentResponse, signInPage.cookie)
  const spaces = spacesOnPage(consent.html)
  const space = options.spaceName === undefined
    ? spaces[0]
    : spaces.find((candidate) => candidate.name === options.spaceName)
  if (space === undefined) throw new Error(`no space ${options.spaceName ?? ""} among ${JSON.stringify(spaces)}`)
  const decided = await postForm(send, `${options.authUrl}/oauth/authorize/consent`, [
    ...pageFields(consent),
    ["space", space.id],
    ...(options.scopes ?? ["mana.read"]).map((scope) => ["scope", scope] as const),
    ["action", "allow"]
  ], consent.cookie)
  return { response: decided, location: new URL(decided.headers.get("location") ?? "about:blank"), space, consent }
}

export const tokenRequest = async (send: Send, authUrl: string, fields: Record<string, string>) => {
  const response = await send(
    new Request(`${authUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString()
    })
  )
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}
