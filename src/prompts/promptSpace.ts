/**
 * Which space a prompt reads: the active one, or its `space` argument (a name, case-insensitive,
 * or an id) among the caller's spaces. A token granted for one space (OAuth `mana_space`) may not
 * name another: the user did not give the agent that space.
 */
import { Effect } from "effect"
import { grantedSpaces, type Space, SpaceDirectory } from "../auth/SpaceDirectory.ts"
import type { CallerShape } from "../domain/Caller.ts"
import { PromptFailed } from "./PromptFailed.ts"

export const promptSpace = (prompt: string, caller: CallerShape, requested: string | undefined) =>
  Effect.gen(function*() {
    const directory = yield* SpaceDirectory
    const all = yield* directory.spacesOf(caller.principal, caller.token).pipe(
      Effect.mapError((error) => new PromptFailed({ prompt, reason: "read-failed", detail: error.message }))
    )
    const visible = grantedSpaces(caller.principal, all)
    const wanted = requested?.toLowerCase()
    const found: Space | undefined = wanted === undefined
      ? all.find((space) => space.id === caller.spaceId)
      : visible.find((space) => space.id === requested) ?? visible.find((space) => space.name.toLowerCase() === wanted)
    if (found === undefined) {
      return yield* new PromptFailed({
        prompt,
        reason: "invalid-arguments",
        detail: `space ${JSON.stringify(requested ?? caller.spaceId)} is not one of ${
          caller.principal.space === undefined ? "your spaces" : "the spaces this grant allows"
        }: ${visible.map((space) => space.name).join(", ")}`
      })
    }
    return found
  })
