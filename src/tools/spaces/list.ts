/**
 * `spaces.list`: the caller's spaces from mana-auth (through the cached SpaceDirectory) and which
 * one is active for this request. A token the user granted for one space (OAuth `mana_space`)
 * sees only that space: the agent was not given the others. Reads mana-auth, not mana-sync.
 */
import { Effect, Schema } from "effect"
import { grantedSpaces, SpaceDirectory, SpaceType } from "../../auth/SpaceDirectory.ts"
import { Caller } from "../../domain/Caller.ts"
import { defineTool } from "../kit/ToolSpec.ts"

const Space = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.NullOr(Schema.String),
  type: Schema.optional(SpaceType),
  role: Schema.optional(Schema.String)
})

export const spacesList = defineTool({
  name: "spaces.list",
  title: "List spaces",
  description:
    "Lists the Mana spaces (personal, family, team, …) the user belongs to, with id, name, slug and type, and " +
    "`activeSpaceId`: the space every other tool reads and writes in (the X-Mana-Space header of this request). " +
    "When the user granted access to one space only, that is the only space listed.",
  scope: "user-space",
  policyHint: "read",
  input: Schema.Struct({}),
  output: Schema.Struct({ spaces: Schema.Array(Space), activeSpaceId: Schema.String }),
  handler: () =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const directory = yield* SpaceDirectory
      const spaces = grantedSpaces(caller.principal, yield* directory.spacesOf(caller.principal, caller.token))
      return {
        spaces: spaces.map((space) => ({
          id: space.id,
          name: space.name,
          slug: space.slug,
          ...(space.type === undefined ? {} : { type: space.type }),
          ...(space.role === undefined ? {} : { role: space.role })
        })),
        activeSpaceId: caller.spaceId
      }
    })
})
