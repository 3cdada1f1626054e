/**
 * ToolSpec: what a tool is — data (name, description, schemas, policy hint) plus a typed Effect
 * handler whose errors and requirements stay in its signature. `defineTool` erases the input and
 * output types behind `Tool<R>` so a registry can hold many tools; it does not run anything.
 */
import { Effect, JSONSchema, Schema, SchemaAST } from "effect"
import type { AgentError } from "../../domain/AgentError.ts"
import type { PolicyHint } from "../../domain/PolicyHint.ts"
import type { ToolScope } from "../../domain/ToolScope.ts"
import { CurrentTool, moduleOf } from "./CurrentTool.ts"
import { type InputIssue, maxListedIssues, renderIssue, renderIssues } from "./input/InputIssue.ts"
import { inputIssuesOf } from "./input/inputIssues.ts"
import { shapeIssues, splitUnknown, unknownKeyIssue } from "./input/inputShape.ts"
import { cleanJsonSchema, type JsonObject } from "./jsonSchema.ts"
import { defaultsOf, withDefaults } from "./schemaDefaults.ts"

export interface EncryptedFields {
  readonly table: string
  readonly fields: ReadonlyArray<string>
}

export interface ToolSpec<I, IE, O, OE, E extends AgentError, R> {
  /** `module.verb`, e.g. `habits.create`: the module and the actor stamped on writes derive from it. */
  readonly name: string
  /** Short human title for clients' tool pickers. */
  readonly title: string
  /** Written for the model: what it does, what it returns, its limits. */
  readonly description: string
  readonly scope: ToolScope
  readonly policyHint: PolicyHint
  readonly input: Schema.Schema<I, IE>
  readonly output: Schema.Schema<O, OE>
  readonly encryptedFields?: EncryptedFields
  /**
   * For destructive tools: how the user is asked before the call runs (enforce mode, a client
   * that can elicit). `prompt` names the record — e.g. its title, decrypted for display only —
   * and its failures (say, the record does not exist) end the call before anyone is asked;
   * `declined` is the tool's own output when the user says no, so it matches the output schema.
   */
  readonly confirmation?: {
    readonly prompt: (input: I) => Effect.Effect<string, E, R>
    readonly declined: (answer: "declined" | "cancelled") => O
  }
  /** Runs with `CurrentTool` (this tool) provided; the span around it is opened by `invoke.ts`. */
  readonly handler: (input: I) => Effect.Effect<O, E, R>
}

/**
 * Arguments failed the input checks. `issues` holds at most ten rendered problems (path, what is
 * wrong, what is accepted, a preview of what was sent); `unlisted` counts the rest. The message
 * is never longer than 2 KB whatever was sent.
 */
export class InvalidToolInput extends Schema.TaggedError<InvalidToolInput>()("InvalidToolInput", {
  tool: Schema.String,
  issues: Schema.Array(Schema.String),
  unlisted: Schema.Number,
  footer: Schema.optional(Schema.String)
}) {
  override get message() {
    return renderIssues(this.tool, this.issues, this.unlisted, this.footer)
  }
}

const invalidInput = (tool: string, issues: ReadonlyArray<InputIssue>, unlisted: number, footer?: string) =>
  new InvalidToolInput({ tool, issues: issues.map(renderIssue), unlisted, ...(footer === undefined ? {} : { footer }) })

/** The handler's result did not match the tool's own output schema: a gateway bug, reported plainly. */
export class ToolOutputInvalid extends Schema.TaggedError<ToolOutputInvalid>()("ToolOutputInvalid", {
  tool: Schema.String
}) {
  override get message() {
    return `Tool ${this.tool} produced a result that does not match its output schema; this is a gateway bug, please report it`
  }
}

/** A call whose arguments decoded: the decoded input (for the policy gate) and the work to run. */
export interface DecodedCall<R> {
  readonly input: unknown
  readonly run: Effect.Effect<unknown, AgentError, R>
  /** A destructive tool's confirmation: the question, and its encoded output when the user says no. */
  readonly confirmation:
    | {
      readonly prompt: Effect.Effect<string, AgentError, R>
      readonly declined: (answer: "declined" | "cancelled") => Effect.Effect<unknown, ToolOutputInvalid>
    }
    | undefined
}

/** A tool with its types erased, as the registry and MCP adapter see it. */
export interface Tool<R> {
  readonly name: string
  readonly title: string
  readonly description: string
  /** The name's part before the first dot. */
  readonly module: string
  readonly scope: ToolScope
  readonly policyHint: PolicyHint
  readonly encryptedFields: EncryptedFields | undefined
  readonly inputJsonSchema: JsonObject
  readonly outputJsonSchema: JsonObject
  readonly decode: (args: unknown) => Effect.Effect<DecodedCall<R>, InvalidToolInput>
}

/** The property names of a tool's input object as the agent sends them. */
const propertyNames = (schema: Schema.Schema.Any): ReadonlySet<string> => {
  const ast = SchemaAST.encodedAST(schema.ast)
  return new Set(SchemaAST.isTypeLiteral(ast) ? ast.propertySignatures.map((p) => String(p.name)) : [])
}

/**
 * JSON Schema 2020-12 for a tool's input or output. Effect renders an empty struct as "any
 * object or array"; MCP clients need an object schema, so that case is spelled out.
 */
const toolJsonSchema = <A, I>(schema: Schema.Schema<A, I>) => {
  const ast = SchemaAST.encodedAST(schema.ast)
  if (SchemaAST.isTypeLiteral(ast) && ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) {
    return {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {},
      additionalProperties: false
    }
  }
  return cleanJsonSchema(JSONSchema.make(schema, { target: "jsonSchema2020-12" }))
}

export const defineTool = <I, IE, O, OE, E extends AgentError, R>(
  spec: ToolSpec<I, IE, O, OE, E, R>
): Tool<Exclude<R, CurrentTool>> => {
  const decodeInput = Schema.decodeUnknown(spec.input, { errors: "all", onExcessProperty: "error" })
  const encodeOutput = Schema.encode(spec.output)
  const current = { name: spec.name, module: moduleOf(spec.name) }
  // An output schema without transformations or refinements encodes to the very type the handler
  // returns (its result is typed by that schema): encoding would only re-validate what the
  // gateway built, which cost more CPU per list than the rest of the tool. Schemas that do
  // transform (or refine) are still encoded, and a mismatch is still `ToolOutputInvalid`.
  const outputNeedsEncoding = SchemaAST.encodedAST(spec.output.ast) !== spec.output.ast
  // Encoding is pure: an output the handler hands out again (a remembered page of an unchanged
  // table) keeps its encoded object, so the transport can keep its serialised answer too.
  const encoded = new WeakMap<object, unknown>()
  const encodeOnce = (output: O): Effect.Effect<unknown, ToolOutputInvalid> => {
    const known = typeof output === "object" && output !== null ? encoded.get(output) : undefined
    if (known !== undefined) return Effect.succeed(known)
    return encodeOutput(output).pipe(
      Effect.mapError(() => new ToolOutputInvalid({ tool: spec.name })),
      Effect.tap((value) =>
        Effect.sync(() => {
          if (typeof output === "object" && output !== null) encoded.set(output, value)
        })
      )
    )
  }
  const confirmation = spec.confirmation
  const properties = propertyNames(spec.input)
  const accepted = `Accepted properties: ${properties.size === 0 ? "none" : [...properties].join(", ")}.`
  // Limits before work: depth and reserved keys first, unknown properties counted (not decoded),
  // then the schema with every issue, of which the agent sees the first few.
  const check = (args: unknown): Effect.Effect<I, InvalidToolInput> =>
    Effect.suspend(() => {
      const shape = shapeIssues(args)
      if (shape.length > 0) return Effect.fail(invalidInput(spec.name, shape, 0))
      const split = splitUnknown(args, properties, maxListedIssues)
      const record = split.unknownCount === 0 ? {} : (args as Readonly<Record<string, unknown>>)
      const unknown = split.unknownKeys.map((key) => unknownKeyIssue(spec.name, key, record[key]))
      const unknownUnlisted = split.unknownCount - unknown.length
      return decodeInput(split.known).pipe(
        Effect.flatMap((input) =>
          unknown.length === 0
            ? Effect.succeed(input)
            : Effect.fail(invalidInput(spec.name, unknown, unknownUnlisted, accepted))
        ),
        Effect.catchTag("ParseError", (error) => {
          const { issues, skipped } = inputIssuesOf(error, maxListedIssues)
          return Effect.fail(
            invalidInput(
              spec.name,
              [...unknown, ...issues],
              unknownUnlisted + skipped,
              unknown.length === 0 ? undefined : accepted
            )
          )
        })
      )
    })
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    module: current.module,
    scope: spec.scope,
    policyHint: spec.policyHint,
    encryptedFields: spec.encryptedFields,
    inputJsonSchema: withDefaults(toolJsonSchema(spec.input), defaultsOf(spec.input)),
    outputJsonSchema: toolJsonSchema(spec.output),
    decode: (args) =>
      check(args ?? {}).pipe(
        Effect.map((input): DecodedCall<Exclude<R, CurrentTool>> => ({
          input,
          confirmation: confirmation === undefined ? undefined : {
            prompt: Effect.provideService(confirmation.prompt(input), CurrentTool, current),
            declined: (answer) =>
              Effect.mapError(
                encodeOutput(confirmation.declined(answer)),
                () => new ToolOutputInvalid({ tool: spec.name })
              )
          },
          run: Effect.provideService(
            outputNeedsEncoding
              ? spec.handler(input).pipe(Effect.flatMap(encodeOnce))
              : spec.handler(input),
            CurrentTool,
            current
          )
        }))
      )
  }
}
