/**
 * `tools/list` follows the grant: a delegated (OAuth) token sees only the tools its scopes allow
 * (a read-only grant sees no write or delete tools), in registration order, so the model is never
 * offered a tool that would be refused. A first-party token (no `scope` claim) sees every tool.
 * Lists are computed once per distinct scope set. Hiding is not the guard: a call to a hidden
 * tool still gets the HTTP 403 `insufficient_scope` of `scopeCheck.ts`, so a client can step up.
 */
import type { ManaScope } from "../auth/scopes.ts"

/**
 * A function from a token's granted scopes (`undefined`: first-party, everything) to the tools it
 * may see. `scopeOf` names the scope a tool needs; a tool it does not know (a conformance
 * fixture) is always shown.
 */
export const makeGrantedTools = <T extends { readonly name: string }>(
  tools: ReadonlyArray<T>,
  scopeOf: (tool: string) => ManaScope | undefined
) => {
  const byGrant = new Map<string, ReadonlyArray<T>>()
  return (granted: ReadonlyArray<string> | undefined): ReadonlyArray<T> => {
    if (granted === undefined) return tools
    const key = [...granted].sort().join(" ")
    const known = byGrant.get(key)
    if (known !== undefined) return known
    const visible = tools.filter((tool) => {
      const scope = scopeOf(tool.name)
      return scope === undefined || granted.includes(scope)
    })
    // Scope strings come from verified tokens; still, a bound keeps odd grants from growing this.
    if (byGrant.size < 64) byGrant.set(key, visible)
    return visible
  }
}
