/**
 * A dev mana-sync request body read under a byte bound, as mana-sync's `http.MaxBytesReader`
 * does: a body that declares more than the bound is refused before anything is read, and one
 * that streams past it (chunked, or lying about its length) is refused as soon as the bound is
 * crossed — the stream is stopped there, so the rest is never read or held. What the caller
 * answers is its own business (the push answers mana-sync's 400, the billing switch 413).
 */
import type { HttpServerRequest } from "@effect/platform"
import { Data, Effect, Stream } from "effect"

/** The body went past `limit` bytes (declared or read). */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{ readonly limit: number }> {}

/** The body could not be read (the client went away mid-body). */
export class BodyUnreadable extends Data.TaggedError("BodyUnreadable") {}

const decoder = new TextDecoder()

/** The body as text, at most `limit` bytes. */
export const readBoundedText = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<string, BodyTooLarge | BodyUnreadable> =>
  Effect.gen(function*() {
    const declared = Number(request.headers["content-length"] ?? "0")
    if (declared > limit) return yield* new BodyTooLarge({ limit })
    const chunks: Array<Uint8Array> = []
    let size = 0
    yield* request.stream.pipe(
      Stream.mapError(() => new BodyUnreadable()),
      Stream.runForEachWhile((chunk) => {
        size += chunk.length
        if (size > limit) return Effect.fail(new BodyTooLarge({ limit }))
        chunks.push(chunk)
        return Effect.succeed(true)
      })
    )
    const bytes = new Uint8Array(size)
    let at = 0
    for (const chunk of chunks) {
      bytes.set(chunk, at)
      at += chunk.length
    }
    return decoder.decode(bytes)
  })
