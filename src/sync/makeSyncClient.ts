/**
 * The SyncClient logic shared by the live and test layers: reader/writer client ids, cached and
 * paginated reads filtered to the caller's space, push stamping (origin, actor, `at`, space and
 * author) and the push retry policy (pulls are retried by the HTTP transport). Only the
 * `SyncTransport` differs between layers, so tests of the engine-backed layer exercise the same
 * code paths as production.
 */
import { Clock, DateTime, Effect, Hash, Option, Schedule } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import { Ids } from "../domain/Ids.ts"
import { LiveActivity } from "../live/LiveActivity.ts"
import { noteWritten } from "../observability/audit/writtenRecords.ts"
import { withChildSpan } from "../observability/tracing/childSpan.ts"
import { type FoldedRecord, type ReadScope, visibleIn } from "./fold.ts"
import { ReadCache, type ReadKey } from "./ReadCache.ts"
import type { OutgoingChange, SyncClientShape, SyncRecord } from "./SyncClient.ts"
import { type SyncError, SyncUnavailable } from "./SyncErrors.ts"
import type { SyncTransport } from "./SyncTransport.ts"

/**
 * Pushes are retried on transient failures too, because every change this client builds is safe
 * to store twice: mana-sync is not atomic across changes and a timed-out push may have been stored,
 * but inserts carry client-chosen ids and readers treat them as upserts whose stamp is the
 * record's own `updatedAt` (a replay cannot beat a newer field change), field updates carry their
 * own `at` (a replay ties with itself and loses to anything newer under LWW), and deletes carry a
 * fixed `deletedAt`. A server-stamped or counter-style change would not be safe to replay.
 */
export const pushRetry = Schedule.exponential("250 millis").pipe(
  Schedule.jittered,
  Schedule.intersect(Schedule.recurs(2))
)

const isTransient = (error: SyncError) => error._tag === "SyncUnavailable"

/** Whether the active space is the caller's personal space (the transport fills `personalSpaceId`). */
const isPersonalSpace = (caller: CallerShape): boolean => caller.personalSpaceId === caller.spaceId

/** What `caller` may see of a table: its space, and whether that is its personal space. */
const scopeOf = (caller: CallerShape): ReadScope => ({
  userId: caller.principal.userId,
  spaceId: caller.spaceId,
  personal: isPersonalSpace(caller)
})

const visibleRecords = (records: ReadonlyArray<FoldedRecord>, scope: ReadScope): ReadonlyArray<SyncRecord> =>
  records.filter((record) => visibleIn(record, scope)).map(({ data, id, stamps }) => ({ id, data, stamps }))

const nowIso = Effect.map(Clock.currentTimeMillis, (millis) => DateTime.formatIso(DateTime.unsafeMake(millis)))

/** Adds the stamps every agent-written change carries (docs/upstreams.md §3.3). */
export const stampChange =
  (caller: CallerShape, tool: string, now: string) => (change: OutgoingChange): Record<string, unknown> => {
    const common = {
      table: change.table,
      id: change.id,
      op: change.op,
      spaceId: caller.spaceId,
      origin: "agent",
      actor: { kind: "ai", principalId: "mana-mcp", displayName: `mana-mcp (${tool})`, tool }
    }
    switch (change.op) {
      case "insert":
        return {
          ...common,
          data: {
            ...change.data,
            id: change.id,
            spaceId: caller.spaceId,
            authorId: caller.principal.userId,
            visibility: change.data["visibility"] ?? "space"
          }
        }
      case "update": {
        const fields: Record<string, { value: unknown; at: string }> = {}
        for (const [key, value] of Object.entries(change.fields)) fields[key] = { value, at: now }
        return { ...common, fields }
      }
      case "delete":
        return { ...common, deletedAt: now }
    }
  }

/** The read cache's key of a caller's read: the space read decides which write fence and which freshness rule apply. */
const readKey = (caller: CallerShape, app: string, table: string): ReadKey => ({ ...scopeOf(caller), app, table })

export const makeSyncClient = (transport: SyncTransport) =>
  Effect.gen(function*() {
    const ids = yield* Ids
    const cache = yield* ReadCache
    const activity = Option.getOrUndefined(yield* Effect.serviceOption(LiveActivity))
    const readerId = `mana-mcp-reader-${yield* ids.uuid}`
    const writerId = `mana-mcp-writer-${yield* ids.uuid}`

    // The read cache hands out the same array until the table changes, so the filtered view of
    // each space is computed once per change, not per read, and downstream memos (decoded tool
    // outputs, decrypted records) can key on its identity. Keyed weakly: nothing outlives the cache.
    const views = new WeakMap<ReadonlyArray<FoldedRecord>, Map<string, ReadonlyArray<SyncRecord>>>()
    const visibleTo = (caller: CallerShape, records: ReadonlyArray<FoldedRecord>): ReadonlyArray<SyncRecord> => {
      const scope = scopeOf(caller)
      const scopeKey = `${scope.userId}\u0000${scope.spaceId}\u0000${scope.personal}`
      let byScope = views.get(records)
      if (byScope === undefined) {
        byScope = new Map()
        views.set(records, byScope)
      }
      let visible = byScope.get(scopeKey)
      if (visible === undefined) {
        visible = visibleRecords(records, scope)
        byScope.set(scopeKey, visible)
      }
      return visible
    }

    const read: SyncClientShape["read"] = (caller, app, table) =>
      Effect.suspend(() => {
        activity?.touch(caller)
        return cache.read(
          readKey(caller, app, table),
          (since) => transport.pull({ caller, app, table, since, clientId: readerId })
        )
      }).pipe(
        Effect.map((records) => visibleTo(caller, records)),
        withChildSpan("SyncClient.read", { attributes: { app, table } })
      )

    const readTrash: SyncClientShape["readTrash"] = (caller, app, table) =>
      cache.readDeleted(
        readKey(caller, app, table),
        (since) => transport.pull({ caller, app, table, since, clientId: readerId })
      ).pipe(
        Effect.map((records) => visibleRecords(records, scopeOf(caller))),
        withChildSpan("SyncClient.readTrash", { attributes: { app, table } })
      )

    const push: SyncClientShape["push"] = (caller, app, tool, changes) =>
      Effect.gen(function*() {
        const now = yield* nowIso
        if (changes.length === 0) return now
        activity?.touch(caller)
        const userId = caller.principal.userId
        const tables = new Set(changes.map((change) => change.table))
        const body = {
          clientId: writerId,
          since: now,
          schemaVersion: 1,
          changes: changes.map(stampChange(caller, tool, now))
        }
        // Expected before sending: the echo may arrive before the push's answer.
        cache.expectEcho(userId, app, tables)
        yield* transport.push({ caller, app, clientId: writerId, body }).pipe(
          Effect.retry({ schedule: pushRetry, while: isTransient }),
          Effect.tapError(() => Effect.sync(() => cache.cancelEcho(userId, app, tables))),
          // Even a failed push may have been stored: later reads of the space must not join an older pull.
          Effect.ensuring(
            Effect.forEach(tables, (table) => cache.noteWrite(app, table, caller.spaceId), { discard: true })
          ),
          Effect.mapError((error) =>
            error._tag === "SyncUnavailable"
              ? new SyncUnavailable({
                app: error.app,
                reason: error.reason,
                status: error.status,
                operation: changes.some((change) => change.op === "insert") ? "create" : "update"
              })
              : error
          )
        )
        yield* noteWritten(changes.map((change) => ({ app, table: change.table, id: change.id, op: change.op })))
        return now
      }).pipe(withChildSpan("SyncClient.push", { attributes: { app, tool, changes: changes.length } }))

    // Striped, so the lock table stays fixed-size; unrelated tables rarely share a stripe, and
    // sharing one only serialises, never deadlocks (an exclusive effect takes one stripe).
    const stripes = yield* Effect.forEach(Array.from({ length: 64 }), () => Effect.makeSemaphore(1))
    const exclusive: SyncClientShape["exclusive"] = (caller, app, table) => (effect) => {
      const key = `${caller.principal.userId}\u0000${caller.spaceId}\u0000${app}\u0000${table}`
      const stripe = stripes[Math.abs(Hash.string(key)) % stripes.length]
      return stripe === undefined ? effect : stripe.withPermits(1)(effect)
    }

    return { read, readTrash, push, exclusive, readerId, writerId } as const
  })
