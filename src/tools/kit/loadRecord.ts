/**
 * Loading one record for the get/update tools of an encrypted table: live in the active space
 * (else `RecordNotFound`), decrypted with the caller's key (else `RecordUnreadable`), and
 * complete enough for the module's shape (a partial record — an update whose insert was never
 * seen — counts as not found). Its `updatedAt` is the record's last change as the fold sees it
 * (the newest field stamp, `guard/changedAt.ts`). Returns the key and the stored record too, for
 * tools that write back.
 */
import { Effect, Option } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import { withChangedAt } from "./guard/changedAt.ts"
import type { RecordKind } from "./RecordKind.ts"
import { RecordNotFound } from "./RecordNotFound.ts"
import { decryptOne, findLive } from "./records.ts"

export const loadRecord = <A extends { readonly updatedAt?: string | undefined }>(
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
    return { key, value: withChangedAt(value, stored), stored }
  })
