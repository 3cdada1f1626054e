/**
 * SyncClient: the contract between tools and mana-sync. Reads return folded, live records of one
 * table in the caller's active space (field-level LWW, deletes applied, space/visibility filtered;
 * see docs/upstreams.md §3.6–3.7). Pushes stamp `origin: "agent"`, an actor naming mana-mcp and the
 * tool, the `at` of every field change, and space/author on inserts. Layers: `SyncClientHttp.ts`
 * (live) and the in-memory engine layer used by tests.
 */
import { Context, type Effect } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import type { SyncError } from "./SyncErrors.ts"

/** A folded record: its id and its current field values (encrypted fields still encrypted). */
export interface SyncRecord {
  readonly id: string
  readonly data: Readonly<Record<string, unknown>>
  /**
   * Each field's last-write-wins stamp (epoch microseconds) as the fold saw it, when the record
   * came from a read: the newest one is the record's last change (`changedAt.ts`).
   */
  readonly stamps?: Readonly<Record<string, number>>
}

export type OutgoingChange =
  /** A new record. The client adds `spaceId`, `authorId` and `visibility: "space"` to `data`. */
  | {
    readonly op: "insert"
    readonly table: string
    readonly id: string
    readonly data: Readonly<Record<string, unknown>>
  }
  /** Changed fields only; the client stamps each with `at` = now. */
  | {
    readonly op: "update"
    readonly table: string
    readonly id: string
    readonly fields: Readonly<Record<string, unknown>>
  }
  /** Soft delete, stamped with `deletedAt` = now. */
  | { readonly op: "delete"; readonly table: string; readonly id: string }

export interface SyncClientShape {
  /** Live records of `table` in the caller's active space, freshly pulled (delta since the cached cursor). */
  readonly read: (
    caller: CallerShape,
    app: string,
    table: string
  ) => Effect.Effect<ReadonlyArray<SyncRecord>, SyncError>
  /** Soft-deleted records of `table` in the caller's active space (the trash), freshly pulled; their `data.deletedAt` is set. */
  readonly readTrash: (
    caller: CallerShape,
    app: string,
    table: string
  ) => Effect.Effect<ReadonlyArray<SyncRecord>, SyncError>
  /**
   * Pushes changes on behalf of `tool`; answers the `at` stamped on its field updates and
   * deletes. Fails with a `SyncError`; nothing is retried unless safe.
   */
  readonly push: (
    caller: CallerShape,
    app: string,
    tool: string,
    changes: ReadonlyArray<OutgoingChange>
  ) => Effect.Effect<string, SyncError>
  /**
   * Runs `effect` while no other `exclusive` effect of the same (user, space, app, table) runs in
   * this process: a create that reads the table to place its record (`order` = max + 1) and then
   * pushes must not interleave with another one, or both would pick the same place.
   */
  readonly exclusive: (
    caller: CallerShape,
    app: string,
    table: string
  ) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export class SyncClient extends Context.Tag("mana-mcp/SyncClient")<SyncClient, SyncClientShape>() {}
