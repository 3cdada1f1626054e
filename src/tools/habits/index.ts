/**
 * The habits module's tools, in the order `tools/list` shows them. Registration happens in the
 * tool barrel (`allTools.ts`), not here.
 */
import { archive } from "./archive.ts"
import { create } from "./create.ts"
import { deleteHabit } from "./delete.ts"
import { list } from "./list.ts"
import { log } from "./log.ts"
import { logMany } from "./logMany.ts"
import { logs } from "./logs.ts"
import { update } from "./update.ts"

export const habitsTools = [create, list, update, archive, log, logMany, logs, deleteHabit] as const
