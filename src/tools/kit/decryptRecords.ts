/**
 * Decrypts folded records one by one, so that one corrupt or foreign-key record cannot fail a
 * whole list (docs/upstreams.md §3.7): readable records come back with their fields in plaintext, the
 * others are reported by id only. A record in a shared space written by another member is
 * encrypted with that member's key, so it is reported as theirs rather than as corrupt. Also the
 * shared shape of that report in tool outputs and the single-record variant for get/update
 * tools. It does not decide which records to read or how to filter them; the tools do.
 */
import { Effect, Either, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { memoSlot } from "../../domain/Memos.ts"
import { Crypto } from "../../keys/Crypto.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import { withChildSpan } from "../../observability/tracing/childSpan.ts"
import { SyncClient, type SyncRecord } from "../../sync/SyncClient.ts"
import { PageInfo } from "./paging.ts"
import type { EncryptedFields } from "./ToolSpec.ts"

export const UnreadableReason = Schema.Literal("encrypted-by-another-member", "undecryptable")
export type UnreadableReason = typeof UnreadableReason.Type

/** A record the gateway could not decrypt: named so the agent can tell the user, never shown. */
export const UnreadableRecord = Schema.Struct({
  id: Schema.String,
  reason: UnreadableReason,
  authorId: Schema.optional(Schema.String)
}).annotations({
  description:
    "A record that exists but could not be decrypted; its content is not shown. reason encrypted-by-another-member: a record of a shared space that another member (authorId) wrote, encrypted with that member's own key, so only they can read it. reason undecryptable: corrupt, or encrypted with a key the user no longer has."
})
export type UnreadableRecord = typeof UnreadableRecord.Type

/** The fields every paged list of decrypted records ends with: what could not be read, and paging. */
export const DecryptedPageInfo = { unreadable: Schema.Array(UnreadableRecord), ...PageInfo }

/** Why `record` cannot be read by `userId`: another member's record, or plain undecryptable. */
export const unreadableFor = (record: SyncRecord, userId: string): UnreadableRecord => {
  const authorId = record.data["authorId"]
  return typeof authorId === "string" && authorId !== "" && authorId !== userId
    ? { id: record.id, reason: "encrypted-by-another-member", authorId }
    : { id: record.id, reason: "undecryptable" }
}

export interface DecryptedRecords {
  /** Records with every listed field decrypted, in input order. */
  readonly readable: ReadonlyArray<SyncRecord>
  readonly unreadable: ReadonlyArray<UnreadableRecord>
}

/** Never fails: a record whose listed fields do not all decrypt is reported in `unreadable`. */
export const decryptRecords = (
  key: CryptoKey,
  records: ReadonlyArray<SyncRecord>,
  fields: ReadonlyArray<string>,
  userId: string
): Effect.Effect<DecryptedRecords, never, Crypto> =>
  Effect.gen(function*() {
    const crypto = yield* Crypto
    // Unchanged records come back from the Crypto service's memo without touching Web Crypto.
    const results = yield* crypto.decryptEach(key, records.map((record) => record.data), fields)
    const readable: Array<SyncRecord> = []
    const unreadable: Array<UnreadableRecord> = []
    records.forEach(({ id }, index) => {
      const data = results[index]
      if (data === undefined || Either.isLeft(data)) {
        unreadable.push(unreadableFor(records[index] ?? { id, data: {} }, userId))
      } else readable.push({ id, data: data.right })
    })
    return { readable, unreadable }
  }).pipe(
    withChildSpan("Crypto.decryptBatch", {
      attributes: { "mana.records.count": records.length, "mana.fields.count": fields.length }
    })
  )

/** The caller's key first (a zero-knowledge user fails before any sync traffic), then the live records of `table`. */
const keyAndRecords = (app: string, table: EncryptedFields) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const key = yield* Effect.flatMap(MasterKeys, (keys) => keys.forCaller(caller))
    const records = yield* Effect.flatMap(SyncClient, (sync) => sync.read(caller, app, table.table))
    return { caller, key, records }
  })

/** Queries remembered per records state and key; the oldest is dropped beyond this. */
const queriesPerState = 32

/**
 * The read every encrypted list or search tool does — the caller's key first (a zero-knowledge user
 * fails before any sync traffic), the live records of `table`, only those `keep` accepts on their
 * plaintext fields (so filtered-out records cost no decryption), decrypted one by one — followed by
 * `derive` (filter, sort, page, summarise), remembered per (records state, master key, query)
 * while the table is unchanged: the read cache hands out the same
 * records array until then, so a repeated list returns the very same output object (whose text
 * the tool layer has already serialised) without decrypting or sorting again. Both keys are held
 * weakly: a result lives no longer than the records state and the master key it came from (the
 * key cache drops keys after its TTL; docs/security.md). `query` must determine everything
 * `keep` and `derive` depend on besides the records (e.g. the tool's input as JSON). One per tool.
 */
export const rememberDecryptedDerivation = <A>() => {
  const memos = memoSlot(() => new WeakMap<ReadonlyArray<SyncRecord>, WeakMap<CryptoKey, Map<string, A>>>())
  return <E, R>(
    app: string,
    table: EncryptedFields,
    keep: (data: Readonly<Record<string, unknown>>) => boolean,
    query: string,
    derive: (decrypted: DecryptedRecords) => Effect.Effect<A, E, R>
  ) =>
    Effect.flatMap(Effect.zip(keyAndRecords(app, table), memos), ([{ caller, key, records }, memo]) => {
      let byKey = memo.get(records)
      if (byKey === undefined) {
        byKey = new WeakMap()
        memo.set(records, byKey)
      }
      let byQuery = byKey.get(key)
      if (byQuery === undefined) {
        byQuery = new Map()
        byKey.set(key, byQuery)
      }
      const remembered = byQuery.get(query)
      if (remembered !== undefined) return Effect.succeed(remembered)
      const queries = byQuery
      return decryptRecords(key, records.filter((record) => keep(record.data)), table.fields, caller.principal.userId)
        .pipe(
          Effect.flatMap(derive),
          Effect.tap((value) =>
            Effect.sync(() => {
              for (const oldest of queries.keys()) {
                if (queries.size < queriesPerState) break
                queries.delete(oldest)
              }
              queries.set(query, value)
            })
          )
        )
    })
}
