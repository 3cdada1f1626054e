/**
 * Pending authorization requests are bounded: anyone can open `/authorize`, so at most the
 * configured number are kept (the oldest goes first), and each expires after 10 minutes.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import type { ValidAuthorization } from "../../../../src/dev/auth/oauth/authorizeRequest.ts"
import { makePendingAuthorizations } from "../../../../src/dev/auth/oauth/pendingAuthorizations.ts"

const request: ValidAuthorization = {
  client: { clientId: "c", clientName: "C", redirectUris: ["http://127.0.0.1/cb"], kind: "registered" },
  redirectUri: "http://127.0.0.1/cb",
  state: undefined,
  codeChallenge: "x".repeat(43),
  scopes: ["mana.read"],
  resource: "http://127.0.0.1:3069/mcp"
}

describe("pending authorizations", () => {
  it.effect("keep at most the bound, dropping the oldest, and expire after 10 minutes", () =>
    Effect.gen(function*() {
      const pending = yield* makePendingAuthorizations(yield* Effect.clock, 3)
      const entries = yield* Effect.forEach([1, 2, 3, 4], () => pending.start(request))
      const found = yield* Effect.forEach(entries, (entry) => pending.find(entry.id))
      assert.deepStrictEqual(found.map((entry) => entry?.id), [undefined, ...entries.slice(1).map((entry) => entry.id)])
      yield* TestClock.adjust("10 minutes")
      assert.isUndefined(yield* pending.find(entries[3]?.id ?? ""))
    }))
})
