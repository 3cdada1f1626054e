/**
 * Loading one task for the get/update/reopen tools (see `loadRecord`): live in the active space,
 * decrypted, complete enough to be a task.
 */
import { Effect } from "effect"
import { loadRecord } from "../kit/loadRecord.ts"
import { readTask, taskKind } from "./Task.ts"

export const loadTask = (id: string) =>
  Effect.map(loadRecord(taskKind, id, readTask), ({ key, value }) => ({ key, task: value }))
