/**
 * The local-mode journal of the dev mana-sync: every stored row is appended as one JSON line to
 * `<dataDir>/sync.jsonl` and replayed at start-up, so local data survives restarts. Append-only;
 * a torn last line (a crash mid-write) is cut off before appending resumes. Uses `node:fs`
 * promises, which Bun and Node both provide. Knows nothing about HTTP or sync semantics.
 */
import { Data, Effect, Option, Schema } from "effect"
import { appendFile, chmod, mkdir, readFile, truncate } from "node:fs/promises"
import { join } from "node:path"
import { EngineStorageFailed } from "./SyncEngine.ts"
import { type StoredRow, StoredRowJson } from "./syncLog.ts"

/** The journal could not be opened or read at start-up. */
export class SyncJournalError
  extends Data.TaggedError("SyncJournalError")<{ readonly path: string; readonly cause: unknown }>
{
  override get message() {
    return `cannot read the dev sync journal ${this.path}: ${String(this.cause)}`
  }
}

export interface SyncJournal {
  readonly rows: ReadonlyArray<StoredRow>
  readonly append: (rows: ReadonlyArray<StoredRow>) => Effect.Effect<void, EngineStorageFailed>
}

const isMissingFile = (cause: unknown) =>
  typeof cause === "object" && cause !== null && "code" in cause && cause.code === "ENOENT"

const decodeLine = Schema.decodeUnknownOption(StoredRowJson)

export const openSyncJournal = (dataDir: string): Effect.Effect<SyncJournal, SyncJournalError> =>
  Effect.gen(function*() {
    const path = join(dataDir, "sync.jsonl")
    const fail = (cause: unknown) => new SyncJournalError({ path, cause })
    yield* Effect.tryPromise({ try: () => mkdir(dataDir, { recursive: true, mode: 0o700 }), catch: fail })
    // Records are user data: owner-only, like the dev auth data (an older journal is tightened too).
    yield* Effect.tryPromise({ try: () => chmod(path, 0o600), catch: (cause) => cause }).pipe(
      Effect.catchIf(isMissingFile, () => Effect.void),
      Effect.mapError(fail)
    )
    const content = yield* Effect.tryPromise({
      try: () => readFile(path, "utf8"),
      catch: (cause) => cause
    }).pipe(Effect.catchIf(isMissingFile, () => Effect.succeed("")), Effect.mapError(fail))
    const complete = content.slice(0, content.lastIndexOf("\n") + 1)
    if (complete.length !== content.length) {
      yield* Effect.logWarning(`dropping a torn last line of ${path}`)
      yield* Effect.tryPromise({ try: () => truncate(path, Buffer.byteLength(complete, "utf8")), catch: fail })
    }
    const rows: Array<StoredRow> = []
    for (const line of complete.split("\n")) {
      if (line.trim() === "") continue
      const row = decodeLine(line)
      if (Option.isSome(row)) rows.push(row.value)
      else yield* Effect.logWarning(`skipping an unreadable line of ${path}`)
    }
    return {
      rows,
      append: (batch) =>
        batch.length === 0 ? Effect.void : Effect.tryPromise({
          try: () =>
            appendFile(path, batch.map((row) => JSON.stringify(row)).join("\n") + "\n", {
              encoding: "utf8",
              mode: 0o600
            }),
          catch: (cause) => new EngineStorageFailed({ message: String(cause) })
        })
    }
  })
