/**
 * The one failure of a shared-state store (Redis unreachable, timed out or refusing): which store
 * failed, so `/health`, the error counter and the 503 can name it. The cause stays in the log and
 * never reaches a client (it could name hosts).
 */
import { Schema } from "effect"

export const stateStoreNames = ["sessions", "rate-limit", "events", "bus", "write-fence", "live"] as const
export type StateStoreName = (typeof stateStoreNames)[number]

export class StateStoreUnavailable extends Schema.TaggedError<StateStoreUnavailable>()("StateStoreUnavailable", {
  store: Schema.Literal(...stateStoreNames)
}) {
  override get message() {
    return `The shared ${this.store} store (Redis) is unreachable; retry in a few seconds.`
  }
}
