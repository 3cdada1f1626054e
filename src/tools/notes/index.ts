/**
 * The notes module's tools, in the order `tools/list` shows them. Registration happens in the
 * tool barrel, not here.
 */
import { create } from "./create.ts"
import { deleteNote } from "./delete.ts"
import { deleteMany } from "./deleteMany.ts"
import { get } from "./get.ts"
import { list } from "./list.ts"
import { search } from "./search.ts"
import { update } from "./update.ts"

export const notesTools = [create, list, search, get, update, deleteNote, deleteMany] as const
