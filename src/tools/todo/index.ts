/**
 * The todo module's tools, in the order `tools/list` shows them. Registration happens in the
 * tool barrel, not here.
 */
import { complete } from "./complete.ts"
import { create } from "./create.ts"
import { list } from "./list.ts"

export const todoTools = [create, list, complete] as const
