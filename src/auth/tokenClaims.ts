/**
 * The access-token claims the gateway reads (docs/upstreams.md §2.1), shared by the two ways a
 * token is checked: a verified JWT's payload (`Auth.ts`) and an RFC 7662 introspection answer
 * (`Introspection.ts`). A new claim is added here once. Only the shape; meaning is Auth's.
 */
import { Schema } from "effect"

export const tokenClaimFields = {
  sub: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  role: Schema.optional(Schema.String),
  tier: Schema.optional(Schema.String),
  scope: Schema.optional(Schema.String),
  client_id: Schema.optional(Schema.String),
  mana_space: Schema.optional(Schema.String),
  aud: Schema.optional(Schema.Union(Schema.String, Schema.Array(Schema.String)))
}
