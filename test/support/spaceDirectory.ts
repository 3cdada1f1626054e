/**
 * A `SpaceDirectory` test double over the test users' memberships (`users.ts`): alice and bob
 * each have a personal space and share a team space. It trusts the principal (the transport has
 * verified the token before asking), so transport tests need no mana-auth for spaces.
 */
import { Effect, Layer, Option } from "effect"
import { type Space, SpaceDirectory } from "../../src/auth/SpaceDirectory.ts"
import { memberships, spaceA, spaceB, spaceShared } from "./users.ts"

const spaces: Readonly<Record<string, Space>> = {
  [spaceA]: { id: spaceA, name: "Alice", slug: "alice", type: "personal" },
  [spaceB]: { id: spaceB, name: "Bob", slug: "bob", type: "personal" },
  [spaceShared]: { id: spaceShared, name: "Shared", slug: "shared", type: "team" }
}

const spacesOfUser = (userId: string) =>
  Effect.map(memberships(userId), (ids) => ids.flatMap((id) => (spaces[id] === undefined ? [] : [spaces[id]])))

export const spaceDirectoryOfTestUsers = Layer.succeed(SpaceDirectory, {
  spacesOf: (principal) => spacesOfUser(principal.userId),
  find: (principal, _token, spaceId) =>
    Effect.map(spacesOfUser(principal.userId), (own) => Option.fromNullable(own.find((space) => space.id === spaceId))),
  invalidate: () => Effect.void
})
