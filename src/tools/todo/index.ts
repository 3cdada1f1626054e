/**
 * The todo module's tools, in the order `tools/list` shows them. Registration happens in the
 * tool barrel, not here.
 */
import { complete } from "./complete.ts"
import { completeMany } from "./completeMany.ts"
import { create } from "./create.ts"
import { createMany } from "./createMany.ts"
import { deleteTask } from "./delete.ts"
import { deleteMany } from "./deleteMany.ts"
import { get } from "./get.ts"
import { list } from "./list.ts"
import { reopen } from "./reopen.ts"
import { update } from "./update.ts"
import { updateMany } from "./updateMany.ts"

export const todoTools = [
  create,
  createMany,
  list,
  get,
  update,
  updateMany,
  complete,
  completeMany,
  reopen,
  deleteTask,
  deleteMany
] as const
