/**
 * LiveActivity: how the rest of the gateway tells the notification connections (`LiveSync`) that
 * a user is active and which token they currently hold. The sync client calls `touch` on every read
 * and push (a plain call: it is on the read path); MCP resource subscriptions `retain` the user for
 * as long as they are open. Absent (tests without live data), nothing is held.
 */
import { Context, type Effect, type Scope } from "effect"
import type { CallerShape } from "../domain/Caller.ts"

export interface LiveActivityShape {
  /** The caller is active now; their token may be newer than the one the connection uses. */
  readonly touch: (caller: CallerShape) => void
  /** Keeps the caller's user active (connection held, token followed) until the scope closes. */
  readonly retain: (caller: CallerShape) => Effect.Effect<void, never, Scope.Scope>
}

export class LiveActivity extends Context.Tag("mana-mcp/LiveActivity")<LiveActivity, LiveActivityShape>() {}
