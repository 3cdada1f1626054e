/**
 * Request bodies of the dev mana-auth, read with a bound: at most 64 KiB, counted while the body
 * streams (a larger `Content-Length` is refused before reading), so an oversized or endless body
 * costs 64 KiB, never the whole. Its routes take a few small fields; nothing needs more.
 */
import { HttpServerRequest } from "@effect/platform"
import { Chunk, Effect, Either, Stream } from "effect"

export const bodyLimit = 64 * 1024

/** Why a body was not read: larger than `bodyLimit`, or the connection failed. */
type BodyProblem = "too-large" | "unreadable"

/** The body as text, at most `bodyLimit` bytes; the reading stops at the bound. */
export const boundedText: Effect.Effect<
  Either.Either<string, BodyProblem>,
  never,
  HttpServerRequest.HttpServerRequest
> = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  if (Number(request.headers["content-length"] ?? "0") > bodyLimit) return Either.left("too-large" as const)
  const read = yield* request.stream.pipe(
    Stream.runFoldWhile(
      { bytes: 0, chunks: Chunk.empty<Uint8Array>() },
      (state) => state.bytes <= bodyLimit,
      (state, chunk) => ({ bytes: state.bytes + chunk.length, chunks: Chunk.append(state.chunks, chunk) })
    ),
    Effect.either
  )
  if (Either.isLeft(read)) return Either.left("unreadable" as const)
  if (read.right.bytes > bodyLimit) return Either.left("too-large" as const)
  const bytes = new Uint8Array(read.right.bytes)
  let offset = 0
  for (const chunk of read.right.chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return Either.right(new TextDecoder().decode(bytes))
})
