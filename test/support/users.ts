/**
 * The test users, for every test that does not talk to the dev mana-auth: ids shaped like the
 * UUIDs mana-auth issues, the spaces they belong to, and the `Principal` / `Caller` built from
 * them. End-to-end tests register real users instead (`devUsers.ts`).
 */
import { Effect, Redacted } from "effect"
import type { CallerShape } from "../../src/domain/Caller.ts"
import type { Principal } from "../../src/domain/Principal.ts"

export const alice = "11111111-1111-4111-8111-111111111111"
export const bob = "22222222-2222-4222-8222-222222222222"
export const spaceA = "space-alice"
export const spaceB = "space-bob"
export const spaceShared = "space-shared"

const membershipTable: Readonly<Record<string, ReadonlyArray<string>>> = {
  [alice]: [spaceA, spaceShared],
  [bob]: [spaceB, spaceShared]
}

/** The spaces `userId` is a member of (the dev mana-sync's and the engine's membership lookup). */
export const memberships = (userId: string): Effect.Effect<ReadonlyArray<string>> =>
  Effect.succeed(membershipTable[userId] ?? [])

export const emailOf = (userId: string) => `${userId}@example.test`

export const principalFor = (userId: string): Principal => ({
  userId,
  email: emailOf(userId),
  role: "user",
  tier: "public",
  expiresAt: 4_102_444_800
})

/**
 * A verified caller. The default token `good:<userId>` is the one the engine contract accepts
 * (`test/contract/engine.test.ts`); anything else stands for a token the upstream rejects.
 */
export const callerFor = (
  userId: string,
  spaceId = membershipTable[userId]?.[0] ?? `space-${userId}`,
  token = `good:${userId}`
): CallerShape => ({ principal: principalFor(userId), spaceId, token: Redacted.make(token) })

/** Alice in her own space: the default caller of tool tests. */
export const aliceCaller = callerFor(alice, spaceA)
