/**
 * Writing as the running tool: pushes changes to one mana-sync app for this call's caller, with
 * the actor stamped from `CurrentTool` (docs/upstreams.md §3.3), so a tool never names itself.
 */
import { Effect } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { type OutgoingChange, SyncClient } from "../../sync/SyncClient.ts"
import { CurrentTool } from "./CurrentTool.ts"

export const pushChanges = (app: string, changes: ReadonlyArray<OutgoingChange>) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const sync = yield* SyncClient
    const tool = yield* CurrentTool
    yield* sync.push(caller, app, tool.name, changes)
  })
