/**
 * Appends text to a file that rotates by size: before a write would take `<path>` past
 * `maxBytes`, `<path>` becomes `<path>.1`, `.1` becomes `.2`, … and the oldest beyond
 * `maxFiles` is deleted. One writer per path (the audit writer fiber); failures are returned,
 * never thrown, so the caller can count them.
 */
import { Effect } from "effect"
import { appendFile, mkdir, rename, rm, stat } from "node:fs/promises"
import { dirname } from "node:path"

export class FileWriteFailed {
  readonly _tag = "FileWriteFailed"
}

const attempt = <A>(run: () => Promise<A>) => Effect.tryPromise({ try: run, catch: () => new FileWriteFailed() })

export const makeRotatingFile = (
  options: { readonly path: string; readonly maxBytes: number; readonly maxFiles: number }
) =>
  Effect.gen(function*() {
    const { maxBytes, maxFiles, path } = options
    yield* Effect.ignore(attempt(() => mkdir(dirname(path), { recursive: true })))
    let size = yield* attempt(() => stat(path)).pipe(Effect.map((info) => info.size), Effect.orElseSucceed(() => 0))

    const rotate = Effect.gen(function*() {
      yield* Effect.ignore(attempt(() => rm(`${path}.${maxFiles}`, { force: true })))
      for (let index = maxFiles - 1; index >= 1; index--) {
        yield* Effect.ignore(attempt(() => rename(`${path}.${index}`, `${path}.${index + 1}`)))
      }
      yield* Effect.ignore(attempt(() => rename(path, `${path}.1`)))
      size = 0
    })

    /** Appends `text` (whole lines); fails with `FileWriteFailed` if it could not be written. */
    const append = (text: string): Effect.Effect<void, FileWriteFailed> =>
      Effect.gen(function*() {
        const bytes = Buffer.byteLength(text, "utf8")
        if (size > 0 && size + bytes > maxBytes) yield* rotate
        yield* attempt(() => appendFile(path, text, "utf8"))
        size += bytes
      })
    return { append }
  })
