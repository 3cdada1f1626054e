/**
 * The Redis WriteFence (`STATE_STORE=redis`): one counter per (app, table, space) at
 * `<prefix>write-fence:<app>:<table>:<space>` (each name URI-encoded, so no two share a key),
 * moved with INCR and read with GET (ioredis pipelines the GETs issued in one tick into one
 * write). Keys and values hold table names, space ids and counts only.
 *
 * A token is more than the counter, so that a lost counter cannot hand out an old token again:
 * it carries the connection epoch (a Redis restart without persistence resets the counters, and
 * always drops the connection) and the number of this instance's moves that failed (the write
 * itself already happened; this instance's later reads must not reuse older state even though
 * Redis did not record the move — other instances are then bounded by READ_FRESHNESS).
 */
import { Effect, Option } from "effect"
import type { RedisConnectionShape } from "../state/RedisConnection.ts"
import type { WriteFenceShape } from "./WriteFenceShape.ts"

export const makeWriteFenceRedis = (connection: RedisConnectionShape): WriteFenceShape => {
  const keyOf = (app: string, table: string, space: string) =>
    `${connection.prefix}write-fence:${encodeURIComponent(app)}:${encodeURIComponent(table)}:${
      encodeURIComponent(space)
    }`
  let failedMoves = 0
  return {
    advance: (app, table, space) =>
      connection.run("write-fence", (client) => client.incr(keyOf(app, table, space))).pipe(
        Effect.tapError(() => Effect.sync(() => failedMoves++)),
        Effect.asVoid
      ),
    current: (app, table, space) =>
      Effect.flatMap(
        connection.run("write-fence", (client) => client.get(keyOf(app, table, space))),
        (count) =>
          // The epoch is read after the GET: a reconnect in between makes the token new, never old.
          Effect.map(connection.epoch, (epoch) => `${Option.getOrElse(epoch, () => -1)}:${failedMoves}:${count ?? "0"}`)
      ),
    currentInProcess: undefined
  }
}
