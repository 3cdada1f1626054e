/**
 * The shape of bulk tools over existing records (`ids`): check every id (a UUID, sent once, a
 * live record of the kind in the active space), let the tool decide per record what to change,
 * then push every change in one push — or, in a dry run, push nothing — and answer one entry per
 * id in order with the record's title (decrypted for display only, when the caller can).
 */
import { Effect, Either } from "effect"
import { Caller } from "../../../domain/Caller.ts"
import type { Crypto } from "../../../keys/Crypto.ts"
import { type OutgoingChange, SyncClient, type SyncRecord } from "../../../sync/SyncClient.ts"
import { pushChanges } from "../pushChanges.ts"
import type { RecordKind } from "../RecordKind.ts"
import { labelWith, optionalKey } from "../recordLabel.ts"
import { RecordNotFound } from "../RecordNotFound.ts"
import { bulkResult, type ItemResult, refusedItem } from "./BulkResult.ts"
import { decodeIds } from "./decodeItems.ts"

/** What a tool does with one live record: change it, or leave it as it already is. */
export type IdStep =
  | { readonly status: "done"; readonly change: OutgoingChange }
  | { readonly status: "unchanged" }

/** A refused id: the reason, and the id when it was one. */
type Refused = [string, string | undefined]

/** Every id checked against the live records (no decryption): the record where found. */
export const checkedIds = (kind: RecordKind, ids: ReadonlyArray<unknown>) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const records = yield* (yield* SyncClient).read(caller, kind.app, kind.table.table)
    const byId = new Map(records.map((record) => [record.id, record]))
    return decodeIds(ids).map((checked): Either.Either<SyncRecord, Refused> => {
      if (Either.isLeft(checked)) return Either.left([checked.left, undefined])
      const record = byId.get(checked.right)
      if (record !== undefined) return Either.right(record)
      const missing = new RecordNotFound({ kind: kind.noun, id: checked.right, listTool: kind.listTool })
      return Either.left([missing.message, checked.right])
    })
  })

/** A live record with its title (`null` when the caller cannot read it). */
interface LiveRecord {
  readonly record: SyncRecord
  readonly title: string | null
}

/** Every id checked against the live records, with the record and its title where found. */
export const liveByIds = (kind: RecordKind, ids: ReadonlyArray<unknown>) =>
  Effect.gen(function*() {
    const checked = yield* checkedIds(kind, ids)
    const key = yield* optionalKey
    return yield* Effect.forEach(
      checked,
      (entry): Effect.Effect<Either.Either<LiveRecord, Refused>, never, Crypto> =>
        Either.match(entry, {
          onLeft: (refused) => Effect.succeed(Either.left(refused)),
          onRight: (record) => Effect.map(labelWith(kind, key, record), (title) => Either.right({ record, title }))
        })
    )
  })

export const overIds = (
  kind: RecordKind,
  ids: ReadonlyArray<unknown>,
  dryRun: boolean,
  verb: string,
  step: (record: SyncRecord) => IdStep
) =>
  Effect.gen(function*() {
    const found = yield* liveByIds(kind, ids)
    const planned = found.map((entry, index) =>
      Either.map(entry, ({ record, title }) => ({ index, record, title, step: step(record) }))
    )
    const changes = planned.flatMap((entry) =>
      Either.isRight(entry) && entry.right.step.status === "done" ? [entry.right.step.change] : []
    )
    const at = !dryRun && changes.length > 0 ? yield* pushChanges(kind.app, changes) : undefined
    const results = planned.map((entry, index): ItemResult => {
      if (Either.isLeft(entry)) return refusedItem(index, entry.left[0], entry.left[1])
      const { record, title } = entry.right
      const done = entry.right.step.status === "done"
      return {
        index,
        status: done ? (dryRun ? "wouldBeDone" : "done") : "unchanged",
        id: record.id,
        title,
        ...(done && at !== undefined ? { updatedAt: at } : {})
      }
    })
    return bulkResult(results, dryRun, verb)
  })
