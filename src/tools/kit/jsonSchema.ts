/**
 * Post-processing of Effect-generated JSON Schemas for agents: drops the auto-generated
 * `title`s Effect puts on refinements ("maxLength(120)"), which read as noise to a model,
 * and keeps everything that constrains a value. Pure data in, data out.
 */
export type JsonValue = string | number | boolean | null | ReadonlyArray<JsonValue> | JsonObject
export interface JsonObject {
  readonly [key: string]: JsonValue
}

const isObject = (value: JsonValue): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const clean = (value: JsonValue, depth: number): JsonValue => {
  if (Array.isArray(value)) return value.map((item: JsonValue) => clean(item, depth + 1))
  if (!isObject(value)) return value
  const out: Record<string, JsonValue> = {}
  for (const [key, child] of Object.entries(value)) {
    if (key === "title" && depth > 0 && typeof child === "string") continue
    // `properties` maps names to schemas: keep the names, clean the schemas.
    out[key] = key === "properties" && isObject(child)
      ? Object.fromEntries(Object.entries(child).map(([name, schema]) => [name, clean(schema, depth + 1)]))
      : clean(child, depth + 1)
  }
  return out
}

/** Accepts Effect's `JSONSchema.JsonSchema7Root` (structurally JSON) and returns a cleaned copy. */
export const cleanJsonSchema = (schema: object): JsonObject => {
  const json: JsonValue = JSON.parse(JSON.stringify(schema))
  const cleaned = clean(json, 0)
  return isObject(cleaned) ? cleaned : {}
}
