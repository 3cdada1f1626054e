/**
 * IdempotencyStore: what a create call with an `idempotencyKey` answered, remembered for 24 h per
 * (user, key), so a retry of the same call gets the same answer and writes nothing. Holds the
 * call's fingerprint (tool, space and arguments, hashed) to tell a retry from a different call
 * reusing the key. Two layers with one contract (test/idempotency/idempotencyStoreContract.ts):
 * in this process, or in Redis with the key hashed and the entry sealed (`idempotencyStoreRedis.ts`).
 */
import { Context, Effect, Layer, Redacted } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { RedisConnection } from "../state/RedisConnection.ts"
import { makeIdempotencyStoreMemory } from "./idempotencyStoreMemory.ts"
import { makeIdempotencyStoreRedis } from "./idempotencyStoreRedis.ts"
import { idempotencyRetention, type IdempotencyStoreShape } from "./IdempotencyStoreShape.ts"

export { idempotencyRetention, type IdempotencyStoreShape, type Remembered } from "./IdempotencyStoreShape.ts"

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
