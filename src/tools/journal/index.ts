/**
 * The journal module's tools (write-only: the original has no journal read tool). Registration
 * happens in the tool barrel, not here.
 */
import { add } from "./add.ts"

export const journalTools = [add] as const
