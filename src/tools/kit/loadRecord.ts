/**
 * Loading one record for the get/update tools of an encrypted table: live in the active space
 * (else `RecordNotFound`), decrypted with the caller's key (else `RecordUnreadable`), and
 * complete enough for the module's shape (a partial record — an update whose insert was never
 * seen — counts as not found). Returns the key too, for tools that write back.
 */
import { Effect, Option } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import type { RecordKind } from "./RecordKind.ts"
import { RecordNotFound } from "./RecordNotFound.ts"
import { decryptOne, findLive } from "./records.ts"

export const loadRecord = <A>(
  kind: RecordKind,
  id: string,
  read: (id: string, data: Readonly<Record<string, unknown>>) => Option.Option<A>
) =>
  Effect.gen(function*() {
    // The key first: a zero-knowledge user fails before any sync traffic.
    const key = yield* Effect.flatMap(MasterKeys, (keys) => Effect.flatMap(Caller, keys.forCaller))
    const stored = yield* findLive(kind, id)
    const plain = yield* decryptOne(kind, key, stored)
    const value = yield* Option.match(read(id, plain.data), {
      onNone: () => Effect.fail(new RecordNotFound({ kind: kind.noun, id, listTool: kind.listTool })),
      onSome: Effect.succeed
    })
    return { key, value }
  })
