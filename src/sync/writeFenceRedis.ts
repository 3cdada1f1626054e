/**
 * The Redis WriteFence (`STATE_STORE=redis`): one counter per (app, table, space) at
 * `<prefix>write-fence:<app>:<table>:<space>` (each name URI-encoded, so no two share a key),
 * moved with INCR and read with GETEX, both restarting its TTL (`writeFenceTtl`; ioredis
 * pipelines the looks issued in one tick into one write). Keys and values hold table names, space
 * ids and counts only.
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

/**
 * How long a counter outlives its last move or look, in milliseconds: a day. A counter that
 * expires starts again from 0, so its counts — and tokens — can repeat; that is harmless once no
 * read cache state that looked at an old token can still be reused. Every reuse ends within the
 * read cache's `rebuildAfter` (15 minutes) of its look, whatever READ_FRESHNESS or the live
 * notifications allow (`ReadCache.reuseOf`). Looks (GETEX) and moves both restart the TTL, so a
 * counter expires a day after the last look at it at the earliest: far past that horizon. Still,
 * the keys of spaces nobody reads or writes any more go, instead of one per (app, table, space)
 * staying forever.
 */
export const writeFenceTtl = 24 * 60 * 60 * 1000

/** INCR and (re)start the TTL in one step, so no counter is left without one. */
const advanceScript = "local n = redis.call('INCR', KEYS[1]) redis.call('PEXPIRE', KEYS[1], ARGV[1]) return n"

export const makeWriteFenceRedis = (connection: RedisConnectionShape): WriteFenceShape => {
  const keyOf = (app: string, table: string, space: string) =>
    `${connection.prefix}write-fence:${encodeURIComponent(app)}:${encodeURIComponent(table)}:${
      encodeURIComponent(space)
    }`
  let failedMoves = 0
  return {
    advance: (app, table, space) =>
      connection.run("write-fence", (client) => client.eval(advanceScript, 1, keyOf(app, table, space), writeFenceTtl))
        .pipe(
          Effect.tapError(() => Effect.sync(() => failedMoves++)),
          Effect.asVoid
        ),
    current: (app, table, space) =>
      Effect.flatMap(
        connection.run("write-fence", (client) => client.getex(keyOf(app, table, space), "PX", writeFenceTtl)),
        (count) =>
          // The epoch is read after the GET: a reconnect in between makes the token new, never old.
          Effect.map(connection.epoch, (epoch) => `${Option.getOrElse(epoch, () => -1)}:${failedMoves}:${count ?? "0"}`)
      ),
    currentInProcess: undefined
  }
}
