/**
 * `rememberDecryptedDerivation`: a list's derived output is computed once per (records state,
 * master key, query) — a repeat of the same query over an unchanged table reuses it, while a
 * change to the table or another query derives again.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Ref, TestClock } from "effect"
import { Schema } from "effect"
import { Caller } from "../../../src/domain/Caller.ts"
import { rememberDecryptedDerivation } from "../../../src/tools/kit/decryptRecords.ts"
import { create } from "../../../src/tools/todo/create.ts"
import { tasksTable, todoApp } from "../../../src/tools/todo/Task.ts"
import { memoToolLayer } from "../../support/cryptoTools.ts"
import { runTool } from "../../support/runTool.ts"
import { aliceCaller } from "../../support/users.ts"

describe("rememberDecryptedDerivation", () => {
  it.effect("derives once per records state and query, and again after the table changed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      yield* runTool(create, { title: "Walk" }, Schema.Unknown)
      const derivations = yield* Ref.make(0)
      const remember = rememberDecryptedDerivation<ReadonlyArray<string>>()
      const titles = (query: string) =>
        remember(todoApp, tasksTable, () => true, query, ({ readable }) =>
          Effect.as(
            Ref.update(derivations, (n) => n + 1),
            readable.map((record) => String(record.data["title"]))
          )).pipe(Effect.provideService(Caller, aliceCaller))

      const first = yield* titles("all")
      const again = yield* titles("all")
      assert.deepStrictEqual(first, ["Walk"])
      assert.strictEqual(again, first, "the same output object")
      assert.strictEqual(yield* Ref.get(derivations), 1)

      yield* titles("another query")
      assert.strictEqual(yield* Ref.get(derivations), 2)

      yield* TestClock.adjust("1 minute")
      yield* runTool(create, { title: "Call mum" }, Schema.Unknown)
      const after = yield* titles("all")
      assert.deepStrictEqual([...after].sort(), ["Call mum", "Walk"])
      assert.strictEqual(yield* Ref.get(derivations), 3)
    }).pipe(Effect.provide(memoToolLayer())))
})
