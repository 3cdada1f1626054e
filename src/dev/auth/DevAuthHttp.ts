/**
 * HTTP plumbing shared by the dev mana-auth routes: the three error envelopes of docs/upstreams.md
 * 1.1 (`/api/v1/auth/*`, `/api/v1/me/*`, Better Auth's `/api/auth/*`), JSON body decoding that
 * turns bad JSON or bad fields into a readable 400 instead of a 500 (and a body over 64 KiB into
 * a 413, read no further), and bearer extraction.
 * Not responsible for what any route does.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Data, Effect, Either, Option, ParseResult, Schema } from "effect"
import { bodyLimit, boundedText } from "./boundedBody.ts"

/** A refusal with an HTTP status and a mana-auth error code; each route family renders its own envelope. */
export class DevAuthProblem extends Data.TaggedError("DevAuthProblem")<{
  readonly status: number
  readonly code: string
  readonly message: string
}> {}

export const problem = (status: number, code: string, message: string) => new DevAuthProblem({ status, code, message })

export const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })

/** `/api/v1/auth/*`: `{ error, message, status }`. */
export const v1Envelope = (p: DevAuthProblem) => json({ error: p.code, message: p.message, status: p.status }, p.status)

/** `/api/v1/me/*`: `{ statusCode, message }`. */
export const meEnvelope = (p: DevAuthProblem) => json({ statusCode: p.status, message: p.message }, p.status)

/** Better Auth `/api/auth/*`: `{ code, message }`. */
export const betterAuthEnvelope = (p: DevAuthProblem) => json({ code: p.code, message: p.message }, p.status)

/** The request body decoded with `schema`; a 400 `VALIDATION` problem naming the bad field otherwise. */
export const decodeBody = <A, I>(schema: Schema.Schema<A, I>) =>
  Effect.gen(function*() {
    const body = yield* boundedText
    if (Either.isLeft(body)) {
      return yield* body.left === "too-large"
        ? problem(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${bodyLimit / 1024} KiB`)
        : problem(400, "VALIDATION", "The request body could not be read")
    }
    const text = body.right
    const parsed = yield* Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: () => problem(400, "VALIDATION", "The request body is not valid JSON")
    })
    return yield* Schema.decodeUnknown(schema)(parsed, { errors: "all" }).pipe(
      Effect.mapError((error) =>
        problem(400, "VALIDATION", `Invalid request body: ${ParseResult.TreeFormatter.formatErrorSync(error)}`)
      )
    )
  })

/** The token of an `Authorization: Bearer <token>` header, if there is exactly one. */
export const bearerToken = Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
  const parts = (request.headers["authorization"] ?? "").trim().split(/\s+/)
  return parts.length === 2 && parts[0]?.toLowerCase() === "bearer" && parts[1] !== undefined
    ? Option.some(parts[1])
    : Option.none()
})
