/**
 * Puts each input field's default into the tool's JSON Schema (`"default": …`), read from the
 * Effect Schema itself — the decoding of an absent field — so the advertised default can never
 * drift from the one the handler gets. Only JSON-representable defaults are written.
 */
import { Option, type Schema, SchemaAST } from "effect"
import type { JsonObject, JsonValue } from "./jsonSchema.ts"

/** Field name → the value an absent field decodes to, for `optionalWith(…, { default })` fields. */
export const defaultsOf = <A, I>(schema: Schema.Schema<A, I>): ReadonlyMap<string, JsonValue> => {
  const ast = schema.ast
  const defaults = new Map<string, JsonValue>()
  if (!SchemaAST.isTransformation(ast) || ast.transformation._tag !== "TypeLiteralTransformation") return defaults
  for (const field of ast.transformation.propertySignatureTransformations) {
    const decoded: Option.Option<unknown> = field.decode(Option.none())
    if (typeof field.from !== "string" || Option.isNone(decoded)) continue
    const json: string | undefined = JSON.stringify(decoded.value)
    if (json !== undefined) defaults.set(field.from, JSON.parse(json))
  }
  return defaults
}

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A copy of `jsonSchema` whose `properties` carry the given defaults. */
export const withDefaults = (jsonSchema: JsonObject, defaults: ReadonlyMap<string, JsonValue>): JsonObject => {
  const properties = jsonSchema["properties"]
  if (defaults.size === 0 || !isObject(properties)) return jsonSchema
  const withDefault = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const value = defaults.get(name)
      return [name, value !== undefined && isObject(property) ? { ...property, default: value } : property]
    })
  )
  return { ...jsonSchema, properties: withDefault }
}
