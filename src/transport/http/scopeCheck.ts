/**
 * Per-tool scope enforcement for delegated (OAuth) tokens, at the HTTP layer: a `tools/call`
 * whose tool needs a scope the token was not granted (read → `mana.read`, write →
 * `mana.write`, destructive → `mana.destructive`) is refused with HTTP 403 before any MCP
 * handling, and so is reading resources (`resources/list`, `read`, `subscribe`, a
 * `subscriptions/listen` for resources) without `mana.read`, so OAuth clients see the
 * `insufficient_scope` challenge and can step up (a JSON-RPC error inside a 200 would not trigger
 * that). `prompts/get` and `completion/complete` read the user's data, so they need `mana.read`
 * like a read tool. Tokens without a `scope` claim are not limited here.
 */
import { type ManaScope, scopeForHint } from "../../auth/scopes.ts"
import type { PolicyHint } from "../../domain/PolicyHint.ts"
import { isRecord, toolCallName } from "./jsonRpc.ts"

/** Methods besides `tools/call` that read the user's data. */
const readingMethods = new Set(["prompts/get", "completion/complete"])

const resourceReads = new Set(["resources/list", "resources/read", "resources/subscribe"])

/** Whether `message` reads the user's data as resources: it needs the read scope like a read tool. */
const readsResources = (message: unknown): boolean => {
  if (!isRecord(message)) return false
  const method = message["method"]
  if (typeof method === "string" && resourceReads.has(method)) return true
  if (method !== "subscriptions/listen") return false
  const params = message["params"]
  const filter = isRecord(params) ? params["notifications"] : undefined
  return isRecord(filter) && (filter["resourceSubscriptions"] !== undefined || filter["resourcesListChanged"] === true)
}

/**
 * The first scope a JSON-RPC body (one message or a batch) needs that `granted` lacks.
 * `granted` undefined means a first-party token: nothing is missing. Unknown tools are left to
 * the MCP layer, which answers them with its own error.
 */
export const missingScope = (
  body: unknown,
  granted: ReadonlyArray<string> | undefined,
  hintOf: (tool: string) => PolicyHint | undefined
): ManaScope | undefined => {
  if (granted === undefined) return undefined
  for (const message of Array.isArray(body) ? body : [body]) {
    const name = toolCallName(message)
    const reads = isRecord(message) && typeof message["method"] === "string" && readingMethods.has(message["method"])
    const hint = reads || readsResources(message) ? "read" : name === undefined ? undefined : hintOf(name)
    if (hint === undefined) continue
    const scope = scopeForHint(hint)
    if (!granted.includes(scope)) return scope
  }
  return undefined
}
