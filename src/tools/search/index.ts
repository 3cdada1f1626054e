/** The cross-module tools (`mana.*`), in the order `tools/list` shows them. */
import { search } from "./search.ts"

export const searchTools = [search] as const
