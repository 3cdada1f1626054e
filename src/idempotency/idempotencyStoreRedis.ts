/**
 * The Redis IdempotencyStore (`STATE_STORE=redis`): one string per (user, key) at
 * `<prefix>idem:<HMAC(user, key)>`, its value sealed with STATE_ENCRYPTION_KEY (the Redis key as
 * additional data, so a value copied under another key fails to open), written with SET NX PX so
 * the first answer stays. Neither the user id, the client's key nor any content is in clear in
 * Redis. A value that does not open is treated as absent (the call then runs; its record id,
 * derived from the key, still makes it the same record).
 */
import { Duration, Effect, Option, Schema } from "effect"
import { createHash, createHmac } from "node:crypto"
import type { RedisConnectionShape } from "../state/RedisConnection.ts"
import { makeStateCipher } from "../state/StateCipher.ts"
import type { IdempotencyStoreShape, Remembered } from "./IdempotencyStoreShape.ts"

const Stored = Schema.parseJson(Schema.Struct({
  tool: Schema.String,
  fingerprint: Schema.String,
  output: Schema.Unknown
}))
const decodeStored = Schema.decodeUnknownOption(Stored)

export const makeIdempotencyStoreRedis = (
  connection: RedisConnectionShape,
  encryptionKey: Uint8Array,
  retention: Duration.Duration
): IdempotencyStoreShape => {
  const cipher = makeStateCipher(encryptionKey)
  // A key of its own for naming entries, so key names reveal nothing about the sealing key.
  const namingKey = createHash("sha256").update("mana-mcp idempotency key names\u0000").update(encryptionKey).digest()
  const redisKeyOf = (userId: string, key: string) =>
    `${connection.prefix}idem:${createHmac("sha256", namingKey).update(`${userId}\u0000${key}`).digest("base64url")}`
  const retentionMillis = Duration.toMillis(retention)
  return {
    recall: (userId, key) => {
      const redisKey = redisKeyOf(userId, key)
      return Effect.map(
        connection.run("idempotency", (client) => client.get(redisKey)),
        (sealed): Option.Option<Remembered> =>
          sealed === null ? Option.none() : Option.flatMap(
            Option.fromNullable(cipher.open(sealed, redisKey)),
            decodeStored
          )
      )
    },
    remember: (userId, key, remembered) => {
      const redisKey = redisKeyOf(userId, key)
      const sealed = cipher.seal(JSON.stringify(remembered), redisKey)
      return Effect.asVoid(
        connection.run("idempotency", (client) => client.set(redisKey, sealed, "PX", retentionMillis, "NX"))
      )
    }
  }
}
