/**
 * The input fields every bulk tool shares: `items` (each what the single tool takes) or `ids`, at
 * most 50 per call, and `dryRun`. Items and ids are decoded one by one in the handler, not by the
 * call's schema, so three bad items out of fifty are three refused entries, not a refused call;
 * their JSON Schema still shows the item's shape to the agent.
 */
import { JSONSchema, Schema } from "effect"
import { flagOffByDefault } from "../fields/index.ts"
import { cleanJsonSchema } from "../jsonSchema.ts"

export const maxBulkItems = 50

const itemJsonSchema = <A, I>(item: Schema.Schema<A, I>) => {
  const { $schema: _schema, ...schema } = cleanJsonSchema(JSONSchema.make(item, { target: "jsonSchema2020-12" }))
  return schema
}

/** `items`: 1–50 values, each checked against `item` when the call runs. */
export const itemsField = <A, I>(item: Schema.Schema<A, I>, description: string) =>
  Schema.Array(Schema.Unknown.annotations({ jsonSchema: itemJsonSchema(item) })).pipe(
    Schema.minItems(1),
    Schema.maxItems(maxBulkItems)
  ).annotations({ description })

/** `ids`: 1–50 record ids, each checked when the call runs. */
export const idsField = (description: string) =>
  Schema.Array(Schema.Unknown.annotations({ jsonSchema: { type: "string", format: "uuid" } })).pipe(
    Schema.minItems(1),
    Schema.maxItems(maxBulkItems)
  ).annotations({ description })

export const dryRunField = flagOffByDefault(
  "true: check every item and answer what would change, writing nothing; default false"
)
