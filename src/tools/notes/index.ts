/**
 * The notes module's tools, in the order `tools/list` shows them. Registration happens in the
 * tool barrel, not here.
 */
import { create } from "./create.ts"
import { search } from "./search.ts"

export const notesTools = [create, search] as const
