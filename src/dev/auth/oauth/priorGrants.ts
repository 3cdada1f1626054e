/**
 * What a user last allowed each client (scopes and space), remembered when they consent, so a
 * step-up sign-in — the client asking again with more scopes after an `insufficient_scope` —
 * can show on the consent page what is already granted and what is new, with that space chosen.
 * In memory only, like the rest of the dev authorization server's sign-in state.
 */
import { Effect, Ref } from "effect"
import type { ManaScope } from "../../../auth/scopes.ts"

export interface PriorGrant {
  readonly scopes: ReadonlyArray<ManaScope>
  readonly spaceId: string
}

const keyOf = (userId: string, clientId: string) => `${userId}\u0000${clientId}`

export const makePriorGrants = Effect.map(Ref.make(new Map<string, PriorGrant>()), (grants) => ({
  find: (userId: string, clientId: string) => Effect.map(Ref.get(grants), (map) => map.get(keyOf(userId, clientId))),
  remember: (userId: string, clientId: string, grant: PriorGrant) =>
    Ref.update(grants, (map) => new Map(map).set(keyOf(userId, clientId), grant))
}))
