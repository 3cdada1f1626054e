/**
 * Property-based fuzzing of every tool's input pipeline (fast-check): arbitrary JSON and inputs
 * derived from each tool's advertised JSON Schema, then broken in one place (a wrong value, an
 * unknown or reserved key, a huge or control-character string, deep nesting). Whatever comes in,
 * decoding never dies (no defect) and a refusal is an `Invalid input …` text of at most 2 KB.
 * The seed is printed; replay a failure with FUZZ_SEED=<seed>.
 */
import { Cause, Effect, Exit } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { allTools } from "../../../../src/tools/allTools.ts"
import { maxInputErrorLength } from "../../../../src/tools/kit/input/InputIssue.ts"
import type { JsonObject, JsonValue } from "../../../../src/tools/kit/jsonSchema.ts"

const seed = Number(process.env["FUZZ_SEED"] ?? Date.now() % 2_147_483_647)
const numRuns = Number(process.env["FUZZ_RUNS"] ?? 100)

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** A value that satisfies (or nearly satisfies) one property's JSON Schema. */
const valueFor = (schema: JsonValue | undefined, depth = 0): fc.Arbitrary<unknown> => {
  if (!isObject(schema) || depth > 3) return fc.jsonValue({ maxDepth: 2 })
  const anyOf = schema["anyOf"]
  if (Array.isArray(anyOf)) return fc.oneof(...anyOf.map((option: JsonValue) => valueFor(option, depth + 1)))
  const enumValues = schema["enum"]
  if (Array.isArray(enumValues)) return fc.constantFrom(...enumValues)
  switch (schema["type"]) {
    case "string": {
      const max = typeof schema["maxLength"] === "number" ? Math.min(schema["maxLength"], 200) : 50
      const min = typeof schema["minLength"] === "number" ? Math.min(schema["minLength"], max) : 0
      if (schema["format"] === "uuid") return fc.uuid()
      if (schema["format"] === "date") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
      if (schema["format"] === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
      return fc.string({ minLength: min, maxLength: max, unit: "binary" })
    }
    case "integer":
      return fc.integer({
        min: typeof schema["minimum"] === "number" ? schema["minimum"] : -1000,
        max: typeof schema["maximum"] === "number" ? schema["maximum"] : 1000
      })
    case "number":
      return fc.double()
    case "boolean":
      return fc.boolean()
    case "null":
      return fc.constant(null)
    case "array":
      return fc.array(valueFor(schema["items"], depth + 1), { maxLength: 60 })
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

/** Inputs shaped by the tool's schema, each optional property present or not. */
const shapedBy = (inputSchema: JsonObject): fc.Arbitrary<Record<string, unknown>> => {
  const properties = isObject(inputSchema["properties"]) ? inputSchema["properties"] : {}
  const entries = Object.entries(properties).map(([name, schema]) =>
    fc.option(valueFor(schema).map((value) => [name, value] as const), { nil: undefined })
  )
  return fc.tuple(...entries).map((pairs) =>
    Object.fromEntries(pairs.filter((pair): pair is readonly [string, unknown] => pair !== undefined))
  )
}

const nested = (depth: number) => {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constant("x".repeat(100_000)),
  fc.constant(nested(100_000)),
  fc.constant("a\u0000b\u202Ec\uD800"),
  fc.integer({ min: 33, max: 2000 }).map(nested),
  fc.array(fc.string(), { minLength: 51, maxLength: 200 })
)

/** One schema-shaped input broken in one place. */
const nearValid = (inputSchema: JsonObject) =>
  fc.tuple(shapedBy(inputSchema), fc.string({ maxLength: 20 }), hostileValue, fc.nat(3)).map(
    ([input, key, value, how]) => {
      const names = Object.keys(input)
      const target = names.length === 0 ? key : names[key.length % names.length] ?? key
      switch (how) {
        case 0:
          return { ...input, [target]: value }
        case 1:
          return { ...input, [`extra_${key}`]: value }
        case 2:
          return JSON.parse(`{"__proto__": ${JSON.stringify({ [key]: 1 })}, "a": 1}`) as unknown
        default:
          return input
      }
    }
  )

const expectBoundedAnswer = (toolName: string, args: unknown) => {
  const tool = allTools.find((candidate) => candidate.name === toolName)
  if (tool === undefined) throw new Error(`no tool ${toolName}`)
  const exit = Effect.runSyncExit(tool.decode(args))
  if (Exit.isFailure(exit)) {
    expect(Cause.isDie(exit.cause), `${toolName} died: ${Cause.pretty(exit.cause)}`).toBe(false)
    const message = Cause.failureOption(exit.cause)
    expect(message._tag).toBe("Some")
    if (message._tag === "Some") {
      expect(message.value.message.length).toBeLessThanOrEqual(maxInputErrorLength)
      expect(message.value.message).toMatch(/^Invalid input for /)
    }
  }
}

describe(`fuzzed tool input (seed ${seed}, ${numRuns} runs per tool and kind)`, () => {
  console.log(`fuzzInput: FUZZ_SEED=${seed}`)
  for (const tool of allTools) {
    it(`${tool.name}: arbitrary JSON never causes a defect or an answer over 2 KB`, () => {
      fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (args) => expectBoundedAnswer(tool.name, args)), {
        seed,
        numRuns
      })
    })
    it(`${tool.name}: schema-shaped inputs broken in one place are refused within bounds`, () => {
      fc.assert(fc.property(nearValid(tool.inputJsonSchema), (args) => expectBoundedAnswer(tool.name, args)), {
        seed,
        numRuns
      })
    })
  }
})
