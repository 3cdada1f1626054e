/**
 * HTTP plumbing of the dev authorization server: the OAuth JSON and HTML answers, the CORS
 * preflight, form bodies (read with the 64 KiB bound of ../boundedBody.ts), and the client id
 * of an HTTP Basic header.
 * Not responsible for what any endpoint decides.
 */
import { Headers, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either, Encoding, Option } from "effect"
import { bodyLimit, boundedText } from "../boundedBody.ts"
import { TokenError } from "./grants.ts"

const cors = { "access-control-allow-origin": "*" }
const noStore = { "cache-control": "no-store", pragma: "no-cache" }

export const jsonResponse = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  HttpServerResponse.unsafeJson(body, { status, headers: Headers.fromInput({ ...cors, ...noStore, ...headers }) })

export const oauthError = (error: string, description: string, status = 400, headers: Record<string, string> = {}) =>
  jsonResponse({ error, error_description: description }, status, headers)

export const html = (body: string, status: number, headers: Record<string, string>) =>
  HttpServerResponse.text(body, {
    status,
    contentType: "text/html; charset=utf-8",
    headers: Headers.fromInput(headers)
  })

export const preflight = HttpServerResponse.empty({
  status: 204,
  headers: Headers.fromInput({
    ...cors,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "authorization, content-type, mcp-protocol-version",
    "access-control-max-age": "600"
  })
})

export const metadataResponse = (metadata: unknown) =>
  Effect.succeed(HttpServerResponse.unsafeJson(metadata, { headers: Headers.fromInput(cors) }))

export const requestUrl = (issuer: string) =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) => new URL(request.url, issuer))

/** Where the request came from, by its socket (never a header); one shared bucket when unknown. */
export const remoteAddress = Effect.map(
  HttpServerRequest.HttpServerRequest,
  (request) => Option.getOrElse(request.remoteAddress, () => "unknown")
)

/** The body as form fields; anything but `application/x-www-form-urlencoded` reads as none. */
export const formBody = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase()
  if (type !== "application/x-www-form-urlencoded") return Either.left("not-a-form" as const)
  return Either.map(yield* boundedText, (text) => new URLSearchParams(text))
})

export const bodyTooLarge = `The request body is larger than ${bodyLimit / 1024} KiB`

const badBasic = new TokenError({
  error: "invalid_client",
  description:
    "The Authorization: Basic credentials are malformed; send base64 of client_id:password, each form-urlencoded (RFC 6749 §2.3.1), or send client_id in the body"
})

/**
 * `client_id` from the form, or from an HTTP Basic header (public clients send an empty
 * password); undefined when neither names one. A Basic header that does not decode is
 * `invalid_client`, never a defect.
 */
export const clientIdOf = (form: URLSearchParams) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const field = form.get("client_id")
    if (field !== null && field !== "") return Effect.succeed<string | undefined>(field)
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers["authorization"] ?? "")
    if (basic?.[1] === undefined) return Effect.succeed(undefined)
    const decoded = Encoding.decodeBase64String(basic[1])
    if (Either.isLeft(decoded)) return Effect.fail(badBasic)
    const name = decoded.right.split(":")[0] ?? ""
    const clientId = Either.try(() => decodeURIComponent(name.replace(/\+/g, " ")))
    if (Either.isLeft(clientId)) return Effect.fail(badBasic)
    return Effect.succeed(clientId.right === "" ? undefined : clientId.right)
  })
