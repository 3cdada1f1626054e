/**
 * Which records a tool call wrote, for its audit line. The invoke pipeline opens a collector for
 * each call; `SyncClient.push` notes every change mana-sync accepted. A context entry that nobody
 * requires (`serviceOption`), not a parameter, so no tool and no sync-client signature has to know
 * about auditing; outside a tool call (no collector) noting is a no-op. In the context rather than
 * a fiber ref so the invoke pipeline can provide it in the same update as the call's span and
 * `Caller`. Ids only: never a field value.
 */
import { Context, Effect } from "effect"

export interface WrittenRecord {
  readonly app: string
  readonly table: string
  readonly id: string
  readonly op: "insert" | "update" | "delete"
}

/** The current tool call's collector. */
export class WrittenRecords extends Context.Tag("mana-mcp/WrittenRecords")<WrittenRecords, Array<WrittenRecord>>() {}

/** Notes records that mana-sync accepted, in the current tool call's collector (if any). */
export const noteWritten = (records: ReadonlyArray<WrittenRecord>): Effect.Effect<void> =>
  Effect.map(Effect.serviceOption(WrittenRecords), (collector) => {
    if (collector._tag === "Some") collector.value.push(...records)
  })
