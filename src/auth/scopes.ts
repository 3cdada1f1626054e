/**
 * The OAuth scopes of the MCP authorization flow and how they map onto tools: a tool's
 * `policyHint` names the one scope a delegated token needs to call it. Shared by the gateway
 * (which enforces them) and the dev authorization server (which grants them). Pure data.
 */
import type { PolicyHint } from "../domain/PolicyHint.ts"

export const manaScopes = ["mana.read", "mana.write", "mana.destructive"] as const
export type ManaScope = (typeof manaScopes)[number]

export const isManaScope = (scope: string): scope is ManaScope => manaScopes.some((known) => known === scope)

/** What each scope lets an agent do, in words a person deciding on a consent page understands. */
export const scopeDescriptions: Record<ManaScope, string> = {
  "mana.read": "Read habits, to-dos, notes and journal entries in the chosen space",
  "mana.write": "Create and change habits, to-dos, notes and journal entries in the chosen space",
  "mana.destructive": "Delete data in the chosen space"
}

export const scopeForHint = (hint: PolicyHint): ManaScope =>
  hint === "read" ? "mana.read" : hint === "write" ? "mana.write" : "mana.destructive"

/** A space-delimited `scope` value (RFC 6749 §3.3) as a list, duplicates and empties dropped. */
export const parseScope = (scope: string): ReadonlyArray<string> => [
  ...new Set(scope.split(" ").filter((entry) => entry !== ""))
]
