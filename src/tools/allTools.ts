/**
 * The module barrel: every tool the gateway offers. Adding a tool is one module file plus one
 * line in its module's `index.ts` (docs/tools.md); a new module adds one line here. The registry
 * built from this list rejects duplicate names.
 */
import type { SpaceDirectory } from "../auth/SpaceDirectory.ts"
import type { Caller } from "../domain/Caller.ts"
import type { Ids } from "../domain/Ids.ts"
import type { Crypto } from "../keys/Crypto.ts"
import type { MasterKeys } from "../keys/MasterKeys.ts"
import type { SyncClient } from "../sync/SyncClient.ts"
import { habitsTools } from "./habits/index.ts"
import { journalTools } from "./journal/index.ts"
import type { Tool } from "./kit/ToolSpec.ts"
import { notesTools } from "./notes/index.ts"
import { spacesList } from "./spaces/list.ts"
import { todoTools } from "./todo/index.ts"
import { trashTools } from "./trash/index.ts"

/** Everything a tool handler may require; `main.ts` provides each of these once. */
export type ToolRequirements = Caller | SyncClient | MasterKeys | Crypto | Ids | SpaceDirectory

export const allTools: ReadonlyArray<Tool<ToolRequirements>> = [
  ...habitsTools,
  ...todoTools,
  ...notesTools,
  ...journalTools,
  ...trashTools,
  spacesList
]
