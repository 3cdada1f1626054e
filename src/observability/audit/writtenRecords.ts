/**
 * Which records a tool call wrote, for its audit line. The invoke pipeline opens a collector for
 * each call; `SyncClient.push` notes every change mana-sync accepted. A fiber ref, not a
 * parameter, so no tool and no sync-client signature has to know about auditing; outside a
 * tool call (no collector) noting is a no-op. Ids only: never a field value.
 */
import { Effect, FiberRef, GlobalValue } from "effect"

export interface WrittenRecord {
  readonly app: string
  readonly table: string
  readonly id: string
  readonly op: "insert" | "update" | "delete"
}

const currentCollector = GlobalValue.globalValue(
  Symbol.for("mana-mcp/WrittenRecords"),
  () => FiberRef.unsafeMake<Array<WrittenRecord> | undefined>(undefined)
)

/** Notes records that mana-sync accepted, in the current tool call's collector (if any). */
export const noteWritten = (records: ReadonlyArray<WrittenRecord>): Effect.Effect<void> =>
  Effect.map(FiberRef.get(currentCollector), (collector) => {
    collector?.push(...records)
  })

/** Runs `effect` with a fresh collector; `written` reads what it noted so far, whatever the outcome. */
export const withWrittenRecords = <A, E, R>(
  f: (written: () => ReadonlyArray<WrittenRecord>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    const collector: Array<WrittenRecord> = []
    return Effect.locally(f(() => collector), currentCollector, collector)
  })
