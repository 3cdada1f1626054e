/**
 * SyncEngine: the semantics of mana-sync without HTTP or JWTs — push validation and storage,
 * paginated pull with visibility and echo suppression, the billing gate (docs/upstreams.md §3.3–3.5).
 * The caller is already authenticated (a user id). Used by `DevSync` behind the real HTTP
 * contract and directly by the engine-backed SyncClient in tests. Persistence is a hook.
 */
import { Clock, Context, Data, Effect, Layer, Option, Ref, Schema } from "effect"
import { parseInstantMicros } from "../../sync/SyncWire.ts"
import { columns, PushBody, type PushChange } from "./pushBody.ts"
import { emitRow, formatCreatedAt, type StoredRow, SyncLog } from "./syncLog.ts"

/** 400: a malformed request; `message` is the plain-text body the real server sends. */
export class EngineBadRequest extends Data.TaggedError("EngineBadRequest")<{ readonly message: string }> {}
/** 402: the user's cloud sync is inactive. */
export class EngineSyncInactive extends Data.TaggedError("EngineSyncInactive")<{}> {}
/** 500: a row could not be persisted. */
export class EngineStorageFailed extends Data.TaggedError("EngineStorageFailed")<{ readonly message: string }> {}

export const syncInactiveBody = {
  error: "sync_inactive",
  message: "Cloud Sync ist nicht aktiv. Aktiviere Sync in den Einstellungen."
} as const

export interface PushRequest {
  readonly userId: string
  readonly appId: string
  /** The `X-Client-Id` header, if sent. */
  readonly clientIdHeader: string | undefined
  /** The parsed JSON body. */
  readonly body: unknown
}

export interface PullRequest {
  readonly userId: string
  readonly appId: string
  readonly clientIdHeader: string | undefined
  readonly collection: string | undefined
  readonly since: string | undefined
}

export interface EngineOptions {
  /** The caller's space memberships (organization ids). */
  readonly memberships: (userId: string) => Effect.Effect<ReadonlyArray<string>>
  /** Rows to start from (the local-mode journal). */
  readonly initialRows?: ReadonlyArray<StoredRow>
  /** Called with each push's rows before they become visible (local-mode journal). */
  readonly persist?: (rows: ReadonlyArray<StoredRow>) => Effect.Effect<void, EngineStorageFailed>
  /** Called after a push stored its rows (§2.4 step 7): the pushing user's live subscribers learn of it. */
  readonly notify?: (userId: string, appId: string, tables: ReadonlyArray<string>) => Effect.Effect<void>
}

const PAGE = 1000
const PUSH_RESPONSE_CAP = 5000
const validOps = new Set(["insert", "update", "delete"])

const firstString = (...values: ReadonlyArray<unknown>): string | null => {
  for (const value of values) if (typeof value === "string" && value !== "") return value
  return null
}

const sinceMicros = (since: string | null | undefined) => Option.getOrElse(parseInstantMicros(since ?? ""), () => 0)

export const makeSyncEngine = (options: EngineOptions) =>
  Effect.gen(function*() {
    const log = new SyncLog()
    for (const row of options.initialRows ?? []) log.append(row)
    const unpaid = yield* Ref.make<ReadonlySet<string>>(new Set())
    const writeLock = yield* Effect.makeSemaphore(1)
    const persist = options.persist ?? (() => Effect.void)

    const nowMicros = Effect.map(Clock.currentTimeNanos, (nanos) => Number(nanos / 1000n))

    const billingGate = (userId: string) =>
      Effect.flatMap(Ref.get(unpaid), (set) => (set.has(userId) ? Effect.fail(new EngineSyncInactive()) : Effect.void))

    const visibleTo = (userId: string) =>
      Effect.map(options.memberships(userId), (spaces) => {
        const member = new Set(spaces)
        return (row: StoredRow) => row.userId === userId || (row.spaceId !== null && member.has(row.spaceId))
      })

    const validate = (changes: ReadonlyArray<PushChange>) =>
      Effect.forEach(changes, (change, i) => {
        if (typeof change.op !== "string" || !validOps.has(change.op)) {
          return Effect.fail(new EngineBadRequest({ message: `invalid op "${change.op ?? ""}" in change ${i}` }))
        }
        if (!change.table || !change.id) {
          return Effect.fail(new EngineBadRequest({ message: `missing table or id in change ${i}` }))
        }
        return Effect.void
      }, { discard: true })

    const push = Effect.fn("SyncEngine.push")(function*(request: PushRequest) {
      yield* billingGate(request.userId)
      const body = yield* Schema.decodeUnknown(PushBody)(request.body).pipe(
        Effect.mapError((error) => new EngineBadRequest({ message: `invalid JSON: ${error.message}` }))
      )
      const schemaVersion = body.schemaVersion ?? 0
      if (schemaVersion > 1) {
        return yield* new EngineBadRequest({ message: `unsupported schemaVersion ${schemaVersion} (max 1)` })
      }
      const changes = body.changes ?? []
      yield* validate(changes)
      const writerId = request.clientIdHeader ?? body.clientId ?? ""
      yield* writeLock.withPermits(1)(Effect.gen(function*() {
        const now = yield* nowMicros
        let last = log.lastCreatedAt
        const rows = changes.map((change): StoredRow => {
          last = Math.max(now, last + 1)
          return {
            eventId: crypto.randomUUID(),
            appId: request.appId,
            table: change.table ?? "",
            recordId: change.id ?? "",
            userId: request.userId,
            spaceId: firstString(change.spaceId, change.data?.["spaceId"], change.fields?.["spaceId"]?.value),
            op: change.op === "update" ? "update" : change.op === "delete" ? "delete" : "insert",
            ...columns(change),
            clientId: writerId,
            createdAt: last,
            schemaVersion: 1,
            actor: change.actor ?? null,
            origin: change.origin ?? ""
          }
        })
        yield* persist(rows)
        for (const row of rows) log.append(row)
      }))
      if (changes.length > 0 && options.notify !== undefined) {
        yield* options.notify(request.userId, request.appId, [...new Set(changes.map((change) => change.table ?? ""))])
      }
      const visible = yield* visibleTo(request.userId)
      const since = sinceMicros(body.since)
      const serverChanges = log.scanApp(request.appId, since, (row) =>
        visible(row) && row.clientId !== writerId, PUSH_RESPONSE_CAP)
      const now = yield* nowMicros
      return {
        serverChanges: serverChanges.map(emitRow),
        conflicts: [],
        syncedUntil: formatCreatedAt(Math.max(now, log.lastCreatedAt))
      }
    })

    const pull = Effect.fn("SyncEngine.pull")(function*(request: PullRequest) {
      yield* billingGate(request.userId)
      if (!request.collection || !request.since) {
        return yield* new EngineBadRequest({ message: "missing collection or since parameter" })
      }
      const visible = yield* visibleTo(request.userId)
      const clientId = request.clientIdHeader ?? ""
      const rows = log.scan(
        request.appId,
        request.collection,
        sinceMicros(request.since),
        (row) =>
          visible(row) && row.clientId !== clientId,
        PAGE + 1
      )
      const hasMore = rows.length > PAGE
      const page = hasMore ? rows.slice(0, PAGE) : rows
      const lastRow = page[page.length - 1]
      const now = yield* nowMicros
      // "Now" never lags the newest row: stamps run ahead of the clock when many rows share a millisecond.
      const syncedUntil = hasMore && lastRow !== undefined ? lastRow.createdAt : Math.max(now, log.lastCreatedAt)
      return {
        serverChanges: page.map(emitRow),
        conflicts: [],
        syncedUntil: formatCreatedAt(syncedUntil),
        ...(hasMore ? { hasMore: true } : {})
      }
    })

    return {
      push,
      pull,
      /** Dev billing switch: an unpaid user gets 402 on push and pull. */
      setPaid: (userId: string, paid: boolean) =>
        Ref.update(unpaid, (set) => {
          const next = new Set(set)
          if (paid) {
            next.delete(userId)
          } else next.add(userId)
          return next
        }),
      rowCount: Effect.sync(() =>
        log.size
      )
    } as const
  })

export type SyncEngineShape = Effect.Effect.Success<ReturnType<typeof makeSyncEngine>>

export class SyncEngine extends Context.Tag("mana-mcp/SyncEngine")<SyncEngine, SyncEngineShape>() {
  static readonly layer = (options: EngineOptions) => Layer.effect(SyncEngine, makeSyncEngine(options))
}
