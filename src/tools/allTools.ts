/**
 * The module barrel: every tool the gateway offers. Adding a tool is one module file plus one
 * line here (docs/tools.md). The registry built from this list rejects duplicate names.
 */
import { spacesList } from "./spaces/list.ts"

export const allTools = [
  spacesList
] as const
