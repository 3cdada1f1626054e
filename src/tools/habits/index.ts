/**
 * The habits module's tools, in the order `tools/list` shows them. Registration happens in the
 * tool barrel (`allTools.ts`), not here.
 */
import { archive } from "./archive.ts"
import { create } from "./create.ts"
import { list } from "./list.ts"
import { update } from "./update.ts"

export const habitsTools = [create, list, update, archive] as const
