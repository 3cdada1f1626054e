/**
 * Idempotent creates. A create tool adds `idempotencyKey: optionalKey` to its input and runs its
 * work through `idempotent(key, args, Output, work)`. With a key, the first call's answer is
 * remembered per (user, key) for 24 h (`IdempotencyStore`) and a retry of the same call gets it
 * back without running; the same key with another call is refused (`IdempotencyKeyReused`).
 * While the work runs, `CallKey` is provided, so the records it creates get ids derived from the
 * key (`newRecordId`): even a retry the store cannot answer (a crash between the push and the
 * answer, Redis away) writes the same record again, not a second one. Without a key, the work
 * runs exactly as before.
 */
import { Effect, Option, Schema } from "effect"
import { createHash } from "node:crypto"
import { Caller } from "../../../domain/Caller.ts"
import { IdempotencyStore } from "../../../idempotency/IdempotencyStore.ts"
import { CurrentTool } from "../CurrentTool.ts"
import { text } from "../fields/index.ts"
import { CallKey } from "./CallKey.ts"
import { IdempotencyKeyReused } from "./IdempotencyKeyReused.ts"

export const maxIdempotencyKeyLength = 200

/** The optional `idempotencyKey` input field of every create tool. */
export const optionalKey = Schema.optionalWith(
  text({
    min: 1,
    max: maxIdempotencyKeyLength,
    description:
      "Optional key you make for this one call (1–200 characters, e.g. a fresh UUID). Retrying with the same key and the same arguments within 24 hours returns the first call's result and creates nothing new, even if the first answer never reached you; reusing a key for a different call is refused"
  }),
  { exact: true }
)

/** What each create tool's description says about retries. */
export const retrySafe =
  " Retries are safe with an idempotencyKey: the same key with the same arguments within 24 hours returns the first result and creates nothing new."

/** Hash of what makes two calls the same call: tool, space and arguments (defaults applied, key left out). */
const fingerprintOf = (tool: string, spaceId: string, args: unknown) =>
  createHash("sha256").update(JSON.stringify([tool, spaceId, args])).digest("base64url")

export const idempotent = <A, I, E, R>(
  key: string | undefined,
  args: unknown,
  output: Schema.Schema<A, I>,
  work: Effect.Effect<A, E, R>
): Effect.Effect<A, E | IdempotencyKeyReused, R | IdempotencyStore | Caller | CurrentTool> => {
  if (key === undefined) return work
  return Effect.gen(function*() {
    const caller = yield* Caller
    const tool = (yield* CurrentTool).name
    const store = yield* IdempotencyStore
    const userId = caller.principal.userId
    const fingerprint = fingerprintOf(tool, caller.spaceId, args)
    // A store that cannot answer does not block the call: the derived ids keep a retry one record.
    const recalled = yield* store.recall(userId, key).pipe(
      Effect.catchAll(() => Effect.as(Effect.logWarning("idempotency store unreachable: the call runs"), Option.none()))
    )
    if (Option.isSome(recalled)) {
      if (recalled.value.fingerprint !== fingerprint) {
        return yield* new IdempotencyKeyReused({ tool, firstTool: recalled.value.tool })
      }
      const replay = Schema.decodeUnknownOption(output)(recalled.value.output)
      if (Option.isSome(replay)) return replay.value
    }
    const answer = yield* Effect.provideService(work, CallKey, { key })
    const encoded = yield* Effect.option(Schema.encode(output)(answer))
    if (Option.isSome(encoded)) {
      yield* store.remember(userId, key, { tool, fingerprint, output: encoded.value }).pipe(
        Effect.catchAll(() => Effect.logWarning("idempotency store unreachable: the answer is not remembered"))
      )
    }
    return answer
  })
}
