/**
 * Turns Effect's ParseIssue tree into `InputIssue`s the agent can act on. Effect's own formatters
 * print every union member ("Expected undefined, actual …" for an optional field, one line per
 * enum value), raw regexes and the whole offending value; this walker names the path, the
 * concrete problem, what the field accepts (the field kit's `accepts` annotation, else a phrase
 * derived from the schema with its bounds) and a bounded preview. It stops after `limit` issues.
 */
import { Option, type ParseResult, SchemaAST } from "effect"
import { acceptsOf } from "../fields/accepts.ts"
import type { InputIssue } from "./InputIssue.ts"
import { preview } from "./preview.ts"

const isUndefined = (ast: SchemaAST.AST) => ast._tag === "UndefinedKeyword"

const members = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.AST> =>
  ast._tag === "Union" && acceptsOf(ast) === undefined
    ? ast.types.flatMap(members).filter((member) => !isUndefined(member))
    : [ast]

const boundsOf = (ast: SchemaAST.AST): Array<string> => {
  const json = Option.getOrUndefined(SchemaAST.getJSONSchemaAnnotation(ast))
  if (json === undefined || typeof json !== "object") return []
  const record = json as Readonly<Record<string, unknown>>
  const phrases: Array<string> = []
  const number = (key: string) => typeof record[key] === "number" ? record[key] : undefined
  if (number("minLength") !== undefined) phrases.push(`at least ${number("minLength")} characters`)
  if (number("maxLength") !== undefined) phrases.push(`at most ${number("maxLength")} characters`)
  if (number("minimum") !== undefined) phrases.push(`at least ${number("minimum")}`)
  if (number("exclusiveMinimum") !== undefined) phrases.push(`more than ${number("exclusiveMinimum")}`)
  if (number("maximum") !== undefined) phrases.push(`at most ${number("maximum")}`)
  if (number("exclusiveMaximum") !== undefined) phrases.push(`less than ${number("exclusiveMaximum")}`)
  if (number("minItems") !== undefined) phrases.push(`at least ${number("minItems")} items`)
  if (number("maxItems") !== undefined) phrases.push(`at most ${number("maxItems")} items`)
  if (record["type"] === "integer") phrases.push("a whole number")
  if (typeof record["pattern"] === "string") phrases.push("in the documented format")
  return phrases
}

/** What `ast` accepts, in words; never a regex, never more than a few phrases. */
export const describeAccepted = (ast: SchemaAST.AST, depth = 0): string => {
  const annotated = acceptsOf(ast)
  if (annotated !== undefined) return annotated
  if (depth > 4) return "a valid value"
  switch (ast._tag) {
    case "Union": {
      const options = members(ast)
      if (options.every(SchemaAST.isLiteral)) {
        return `one of: ${options.map((option) => option._tag === "Literal" ? String(option.literal) : "").join(", ")}`
      }
      return options.map((option) => describeAccepted(option, depth + 1)).join(", or ")
    }
    case "Literal":
      return ast.literal === null ? "null" : `exactly ${JSON.stringify(ast.literal)}`
    case "StringKeyword":
      return "text"
    case "NumberKeyword":
      return "a number"
    case "BooleanKeyword":
      return "true or false"
    case "TupleType":
      return ast.rest.length > 0 ? `a list of ${describeAccepted(ast.rest[0]!.type, depth + 1)}` : "a list"
    case "TypeLiteral":
      return ast.propertySignatures.length === 0
        ? "an object"
        : `an object with ${ast.propertySignatures.map((p) => String(p.name)).join(", ")}`
    case "Refinement": {
      const phrases: Array<string> = []
      let current: SchemaAST.AST = ast
      while (current._tag === "Refinement") {
        phrases.unshift(...boundsOf(current))
        current = current.from
      }
      const base = describeAccepted(current, depth + 1)
      return phrases.length === 0 ? base : `${base}, ${[...new Set(phrases)].join(", ")}`
    }
    case "Transformation":
      return describeAccepted(ast.from, depth + 1)
    case "Suspend":
      return "a valid value"
    default:
      return "a valid value"
  }
}

const typeName = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : typeof value

/** The problem a refinement reported: its own message when it is a plain string. */
const refinementProblem = (issue: ParseResult.Refinement | ParseResult.Type): string | undefined => {
  if ("message" in issue && typeof issue.message === "string" && issue.message !== "") return issue.message
  const annotation = Option.getOrUndefined(SchemaAST.getMessageAnnotation(issue.ast))
  if (annotation === undefined) return undefined
  const message = annotation(issue)
  return typeof message === "string" ? message : undefined
}

interface Walk {
  readonly issues: Array<InputIssue>
  readonly limit: number
  skipped: number
}

const pathText = (path: ReadonlyArray<PropertyKey>) => path.length === 0 ? "(arguments)" : path.map(String).join(".")

/** True when an issue says "this member's type did not match" (as opposed to a deeper problem). */
const isTypeMismatch = (issue: ParseResult.ParseIssue): boolean => {
  switch (issue._tag) {
    case "Type":
      return issue.ast._tag !== "Refinement"
    case "Refinement":
      return issue.kind === "From" && isTypeMismatch(issue.issue)
    case "Transformation":
      return issue.kind === "Encoded" && isTypeMismatch(issue.issue)
    case "Composite":
      return !Array.isArray(issue.issues) && isTypeMismatch(issue.issues as ParseResult.ParseIssue)
    default:
      return false
  }
}

const add = (walk: Walk, issue: InputIssue) => {
  if (walk.issues.length < walk.limit) walk.issues.push(issue)
  else walk.skipped++
}

const visit = (
  walk: Walk,
  issue: ParseResult.ParseIssue,
  path: ReadonlyArray<PropertyKey>,
  field: SchemaAST.AST | undefined
): void => {
  if (walk.issues.length >= walk.limit) {
    walk.skipped++
    return
  }
  switch (issue._tag) {
    case "Pointer": {
      const nested = Array.isArray(issue.path) ? [...path, ...issue.path] : [...path, issue.path as PropertyKey]
      return visit(walk, issue.issue, nested, undefined)
    }
    case "Missing":
      return add(walk, { path: pathText(path), problem: "is required", accepts: describeAccepted(issue.ast.type) })
    case "Unexpected":
      return add(walk, { path: pathText(path), problem: "is not an accepted property", sent: preview(issue.actual) })
    case "Forbidden":
      return add(walk, { path: pathText(path), problem: "could not be checked", sent: preview(issue.actual) })
    case "Composite": {
      const here = field ?? issue.ast
      const children: ReadonlyArray<ParseResult.ParseIssue> = Array.isArray(issue.issues)
        ? issue.issues
        : [issue.issues as ParseResult.ParseIssue]
      if (issue.ast._tag === "Union") {
        // Members that failed only because the value has another type are noise (the optional
        // field's `undefined`, the `null` of a nullable field); a deeper failure is the real one.
        const deeper = children.filter((child) => !isTypeMismatch(child))
        if (deeper.length === 1) return visit(walk, deeper[0]!, path, here)
        return add(walk, {
          path: pathText(path),
          problem: deeper.length === 0
            ? `has the wrong type (${typeName(issue.actual)})`
            : "matches none of the accepted forms",
          accepts: describeAccepted(here),
          sent: preview(issue.actual)
        })
      }
      for (const child of children) visit(walk, child, path, child._tag === "Pointer" ? undefined : here)
      return
    }
    case "Refinement": {
      const here = field ?? issue.ast
      if (issue.kind === "From") return visit(walk, issue.issue, path, here)
      return add(walk, {
        path: pathText(path),
        problem: refinementProblem(issue) ?? refinementProblem(issue.issue as ParseResult.Type) ?? "is out of bounds",
        accepts: describeAccepted(here),
        sent: preview(issue.actual)
      })
    }
    case "Transformation":
      return visit(walk, issue.issue, path, field ?? issue.ast)
    case "Type": {
      const here = field ?? issue.ast
      const problem = issue.ast._tag === "Refinement"
        ? refinementProblem(issue) ?? "is out of bounds"
        : `has the wrong type (${typeName(issue.actual)})`
      return add(walk, { path: pathText(path), problem, accepts: describeAccepted(here), sent: preview(issue.actual) })
    }
  }
}

/** At most `limit` issues from a parse failure, and how many more there were (at least). */
export const inputIssuesOf = (error: ParseResult.ParseError, limit: number) => {
  const walk: Walk = { issues: [], limit, skipped: 0 }
  visit(walk, error.issue, [], undefined)
  return { issues: walk.issues, skipped: walk.skipped }
}
