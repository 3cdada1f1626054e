/**
 * The `*.deleteMany` confirmation names the count and the first three titles, so it decrypts
 * those three titles only: asking about 40 notes does not decrypt 40.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { Caller } from "../../src/domain/Caller.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import { create as notesCreate } from "../../src/tools/notes/create.ts"
import { deleteMany } from "../../src/tools/notes/deleteMany.ts"
import { fixedMasterKeys } from "../support/cryptoVault.ts"
import { runTool } from "../support/runTool.ts"
import { SyncClientEngine } from "../support/SyncClientEngine.ts"
import { aliceCaller } from "../support/users.ts"

/** The real Crypto, counting the single-record decryptions (the label path). */
const counted = { decryptFields: 0 }
const countingCrypto = Layer.effect(
  Crypto,
  Effect.map(Crypto, (crypto) => ({
    ...crypto,
    decryptFields: (...args: Parameters<typeof crypto.decryptFields>) => {
      counted.decryptFields += 1
      return crypto.decryptFields(...args)
    }
  }))
).pipe(Layer.provide(Crypto.layer))

const layer = Layer.mergeAll(SyncClientEngine.layerTest(), fixedMasterKeys.pipe(Layer.provideMerge(countingCrypto)))

const Id = Schema.Struct({ note: Schema.Struct({ id: Schema.String }) })

describe("deleteMany confirmation", () => {
  it.effect("decrypts only the titles it shows", () =>
    Effect.gen(function*() {
      const ids: Array<string> = []
      for (let i = 0; i < 40; i++) ids.push((yield* runTool(notesCreate, { title: `Note ${i}` }, Id)).note.id)
      const call = yield* deleteMany.decode({ ids: ["not-an-id", ...ids] })
      counted.decryptFields = 0
      const question = yield* Effect.orDie(
        Effect.provideService(call.confirmation?.prompt ?? Effect.succeed(""), Caller, aliceCaller)
      )
      assert.strictEqual(
        question,
        "Delete 40 notes (\"Note 0\", \"Note 1\", \"Note 2\" and 37 more)? They move to the trash and disappear from your notes lists; each can be restored from the trash."
      )
      assert.strictEqual(counted.decryptFields, 3)
    }).pipe(Effect.provide(layer)))
})
