/**
 * The Redis ConfirmationLedger (`STATE_STORE=redis`): one key per used state,
 * `<prefix>confirm-used:<id>`, set with `SET … NX PX <until expiry>` — one atomic round trip that
 * says whether the state was used before, and lets Redis forget it when it could no longer verify
 * anyway. The id is the state's MAC: no user, tool or argument in it, and a used state is refused,
 * so the key is worth nothing to whoever reads Redis.
 */
import { Clock, Effect } from "effect"
import type { RedisConnectionShape } from "../state/RedisConnection.ts"
import type { ConfirmationLedgerShape } from "./ConfirmationLedgerShape.ts"

export const makeConfirmationLedgerRedis = (connection: RedisConnectionShape): ConfirmationLedgerShape => ({
  use: (id, expiresAt) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (expiresAt <= now) return Effect.succeed(false)
      return connection.run(
        "confirmations",
        (client) => client.set(`${connection.prefix}confirm-used:${id}`, "1", "PX", expiresAt - now, "NX")
      ).pipe(Effect.map((answer) => answer === "OK"))
    })
})
