/**
 * CurrentTool: the tool whose handler is running, provided by `defineTool` around every handler,
 * so a handler never restates its own name (the actor stamped on its writes) or module.
 */
import { Context } from "effect"

export interface CurrentToolShape {
  /** `module.verb`, e.g. `habits.create`. */
  readonly name: string
  /** The part before the first dot, e.g. `habits`. */
  readonly module: string
}

export class CurrentTool extends Context.Tag("mana-mcp/CurrentTool")<CurrentTool, CurrentToolShape>() {}

/** `habits.create` → `habits`; a name without a dot is its own module. */
export const moduleOf = (name: string): string => name.split(".", 1)[0] ?? name
