/**
 * The journal module's tools, in the order `tools/list` shows them. Registration happens in the
 * tool barrel, not here.
 */
import { add } from "./add.ts"
import { deleteEntry } from "./delete.ts"
import { get } from "./get.ts"
import { list } from "./list.ts"
import { search } from "./search.ts"
import { update } from "./update.ts"

export const journalTools = [add, list, search, get, update, deleteEntry] as const
