/**
 * ConfirmationSigner: a state verifies only for the call it was minted for (tool, user, space,
 * arguments), only before it expires (ten minutes by the Effect clock), only untampered, only
 * with the same key — which is what lets any instance sharing CONFIRMATION_SIGNING_KEY accept an
 * answer another instance asked for — and only once.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { ConfirmationSigner } from "../../src/policy/ConfirmationSigner.ts"

const claim = { tool: "todo.delete", userId: "u1", spaceId: "s1", input: { id: "a" } }
const key = "k".repeat(32)

const reasonOf = (state: string, against = claim) =>
  Effect.flatMap(
    ConfirmationSigner,
    (signer) =>
      Effect.match(signer.redeem(state, against), { onFailure: (error) => error.reason, onSuccess: () => "ok" })
  )

describe("ConfirmationSigner", () => {
  it.effect("verifies its own state for the same call, and only that call", () =>
    Effect.gen(function*() {
      const state = yield* Effect.flatMap(ConfirmationSigner, (signer) => signer.mint(claim))
      // Answers about another call do not use the state up.
      for (
        const other of [
          { ...claim, tool: "notes.delete" },
          { ...claim, userId: "u2" },
          { ...claim, spaceId: "s2" },
          { ...claim, input: { id: "b" } }
        ]
      ) assert.strictEqual(yield* reasonOf(state, other), "mismatch")
      assert.strictEqual(yield* reasonOf(state), "ok")
      assert.notInclude(state, "u1")
    }).pipe(Effect.provide(ConfirmationSigner.layerWithKey(key))))

  it.effect("redeems a state once: a replay is refused as used, while a new prompt about the same call is a new state", () =>
    Effect.gen(function*() {
      const signer = yield* ConfirmationSigner
      const state = yield* signer.mint(claim)
      assert.strictEqual(yield* reasonOf(state), "ok")
      assert.strictEqual(yield* reasonOf(state), "used")
      const again = yield* signer.mint(claim)
      assert.notStrictEqual(again, state)
      assert.strictEqual(yield* reasonOf(again), "ok")
    }).pipe(Effect.provide(ConfirmationSigner.layerWithKey(key))))

  it.effect("expires after ten minutes", () =>
    Effect.gen(function*() {
      const state = yield* Effect.flatMap(ConfirmationSigner, (signer) => signer.mint(claim))
      yield* TestClock.adjust("9 minutes")
      assert.strictEqual(yield* reasonOf(state), "ok")
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* reasonOf(state), "expired")
    }).pipe(Effect.provide(ConfirmationSigner.layerWithKey(key))))

  it.effect("refuses tampered and malformed states", () =>
    Effect.gen(function*() {
      const state = yield* Effect.flatMap(ConfirmationSigner, (signer) => signer.mint(claim))
      const [version, body, mac] = state.split(".")
      const forgedBody = Buffer.from(JSON.stringify({ t: "todo.delete", u: "u1", s: "s1", a: "x", e: 9e15 }))
        .toString("base64url")
      assert.strictEqual(yield* reasonOf(`${version}.${forgedBody}.${mac}`), "signature")
      assert.strictEqual(yield* reasonOf(`${version}.${body}.${mac?.slice(0, -2)}AA`), "signature")
      for (const bad of ["", "v1", "v2.a.b", `${state}.x`]) assert.strictEqual(yield* reasonOf(bad), "malformed")
    }).pipe(Effect.provide(ConfirmationSigner.layerWithKey(key))))

  it.effect("another instance verifies with the same key, not with another", () =>
    Effect.gen(function*() {
      const state = yield* Effect.flatMap(ConfirmationSigner, (signer) => signer.mint(claim)).pipe(
        Effect.provide(ConfirmationSigner.layerWithKey(key))
      )
      assert.strictEqual(yield* reasonOf(state).pipe(Effect.provide(ConfirmationSigner.layerWithKey(key))), "ok")
      assert.strictEqual(
        yield* reasonOf(state).pipe(Effect.provide(ConfirmationSigner.layerWithKey("z".repeat(32)))),
        "signature"
      )
    }))
})
