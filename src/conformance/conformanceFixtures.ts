/**
 * The MCP conformance suite's fixture tool `json_schema_2020_12_tool`: its input schema uses
 * `$defs` and `$ref`, and the suite checks that `$schema`, `$defs` and `additionalProperties`
 * survive our schema generation and both transports. Registered only when
 * MCP_CONFORMANCE_FIXTURES=true (the conformance runner sets it); never in a normal start.
 */
import { Effect, Schema } from "effect"
import type { Tool } from "../tools/kit/ToolSpec.ts"
import { defineTool } from "../tools/kit/ToolSpec.ts"

const Address = Schema.Struct({
  street: Schema.optional(Schema.String),
  city: Schema.optional(Schema.String)
}).annotations({ identifier: "address" })

const Input = Schema.Struct({
  name: Schema.optional(Schema.String),
  address: Schema.optional(Address)
})

const jsonSchemaFixture = defineTool({
  name: "json_schema_2020_12_tool",
  title: "JSON Schema 2020-12 fixture",
  description: "Conformance fixture: echoes its input. Present only when MCP_CONFORMANCE_FIXTURES=true.",
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: Schema.Struct({ received: Input }),
  handler: (input) => Effect.succeed({ received: input })
})

export const conformanceFixtureTools: ReadonlyArray<Tool<never>> = [jsonSchemaFixture]
