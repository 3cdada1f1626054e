/**
 * The `accepts` annotation: one short phrase saying what a field takes ("text, 1–120 characters,
 * not blank"). Input errors quote it, so the agent learns the rule in the same answer that tells
 * it what was wrong; fields without it get a description derived from their schema.
 */
import { Option, SchemaAST } from "effect"

export const AcceptsId: unique symbol = Symbol.for("mana-mcp/fields/accepts")

export const acceptsOf = (ast: SchemaAST.AST): string | undefined =>
  Option.getOrUndefined(SchemaAST.getAnnotation<string>(AcceptsId)(ast))
