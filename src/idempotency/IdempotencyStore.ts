/**
 * IdempotencyStore: what a create call with an `idempotencyKey` answered, remembered for 24 h per
 * (user, key), so a retry of the same call gets the same answer and writes nothing. Holds the
 * call's fingerprint (tool, space and arguments, hashed) to tell a retry from a different call
 * reusing the key. Two layers with one contract (test/idempotency/idempotencyStoreContract.ts):
 * in this process, or in Redis with the key hashed and the entry sealed (`idempotencyStoreRedis.ts`).
 */
import { Context, Duration, Effect, Layer, type Option, Redacted } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { RedisConnection } from "../state/RedisConnection.ts"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"
import { makeIdempotencyStoreMemory } from "./idempotencyStoreMemory.ts"
import { makeIdempotencyStoreRedis } from "./idempotencyStoreRedis.ts"

/** One remembered answer. `output` is the tool's encoded output (plain JSON). */
export interface Remembered {
  readonly tool: string
  /** Hash of (tool, space, arguments without the key): equal only for a retry of the same call. */
  readonly fingerprint: string
  readonly output: unknown
}

export interface IdempotencyStoreShape {
  /** The answer remembered for (userId, key) within the retention, if any. */
  readonly recall: (userId: string, key: string) => Effect.Effect<Option.Option<Remembered>, StateStoreUnavailable>
  /** Remembers the first answer for (userId, key); a later `remember` of the same pair keeps the first. */
  readonly remember: (userId: string, key: string, entry: Remembered) => Effect.Effect<void, StateStoreUnavailable>
}

/** How long an answer is remembered: a client's retries of one call happen well within a day. */
export const idempotencyRetention = Duration.hours(24)

export class IdempotencyStore extends Context.Tag("mana-mcp/IdempotencyStore")<
  IdempotencyStore,
  IdempotencyStoreShape
>() {
  /** In this process: bounded (oldest dropped first), lost on restart. */
  static readonly layerMemory = Layer.sync(
    IdempotencyStore,
    () => makeIdempotencyStoreMemory({ retention: idempotencyRetention, maxEntries: 20_000 })
  )

  /** In Redis (`STATE_STORE=redis`), shared by every instance; needs ManaConfig and RedisConnection. */
  static readonly layerRedis = Layer.effect(
    IdempotencyStore,
    Effect.gen(function*() {
      const config = yield* ManaConfig
      const connection = yield* RedisConnection
      if (config.stateStore._tag !== "Redis") {
        return yield* Effect.dieMessage("IdempotencyStore.layerRedis needs STATE_STORE=redis")
      }
      return makeIdempotencyStoreRedis(
        connection,
        Redacted.value(config.stateStore.encryptionKey),
        idempotencyRetention
      )
    })
  )
}
