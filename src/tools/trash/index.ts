/**
 * The trash module's tools: what was deleted in the active space, and the undo. Registration
 * happens in the tool barrel, not here.
 */
import { list } from "./list.ts"
import { restore } from "./restore.ts"

export const trashTools = [list, restore] as const
