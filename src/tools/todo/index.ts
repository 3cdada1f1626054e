/**
 * The todo module's tools, in the order `tools/list` shows them. Registration happens in the
 * tool barrel, not here.
 */
import { complete } from "./complete.ts"
import { create } from "./create.ts"
import { deleteTask } from "./delete.ts"
import { get } from "./get.ts"
import { list } from "./list.ts"
import { reopen } from "./reopen.ts"
import { update } from "./update.ts"

export const todoTools = [create, list, get, update, complete, reopen, deleteTask] as const
