/**
 * `notes.deleteMany`: moves up to 50 notes to the trash in one call, with one confirmation. The
 * shared shape is `makeDeleteManyTool`.
 */
import { makeDeleteManyTool } from "../kit/bulk/deleteMany.ts"
import { noteKind } from "./Note.ts"

export const deleteMany = makeDeleteManyTool(noteKind, { name: "notes.deleteMany", title: "Delete notes" })
