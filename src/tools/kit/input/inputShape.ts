/**
 * Limits checked before any schema decoding runs: nesting depth (a 100 000-deep array would
 * otherwise blow the stack of every recursive walker after it), keys that name JavaScript object
 * machinery (`__proto__`, `constructor`, `prototype`: refused by name, never silently dropped)
 * and, for the top-level object, properties the tool does not have — counted, not each decoded,
 * so 290 000 unknown keys cost one pass. Iterative, no recursion, stops at the first deep path.
 */
import type { InputIssue } from "./InputIssue.ts"
import { preview } from "./preview.ts"

export const maxInputDepth = 32
const forbiddenKeys = new Set(["__proto__", "constructor", "prototype"])
const maxForbiddenReported = 10

interface Frame {
  readonly value: unknown
  readonly depth: number
  readonly path: string
}

const isContainer = (value: unknown): value is object => typeof value === "object" && value !== null

const childPath = (path: string, key: string | number) => path === "" ? String(key) : `${path}.${key}`

/** Depth and forbidden-key problems anywhere in `value` (a parsed JSON value). */
export const shapeIssues = (value: unknown): Array<InputIssue> => {
  const issues: Array<InputIssue> = []
  const stack: Array<Frame> = [{ value, depth: 0, path: "" }]
  while (stack.length > 0) {
    const frame = stack.pop()!
    const current = frame.value
    if (typeof current !== "object" || current === null) continue
    if (frame.depth >= maxInputDepth) {
      issues.push({
        path: frame.path === "" ? "(arguments)" : frame.path,
        problem: `is nested more than ${maxInputDepth} levels deep`,
        accepts: `values nested at most ${maxInputDepth} levels`
      })
      return issues
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        const item: unknown = current[i]
        if (isContainer(item)) stack.push({ value: item, depth: frame.depth + 1, path: childPath(frame.path, i) })
      }
      continue
    }
    for (const key of Object.keys(current)) {
      if (forbiddenKeys.has(key)) {
        if (issues.length < maxForbiddenReported) {
          issues.push({
            path: childPath(frame.path, key),
            problem: `is a refused property name (${key} is reserved)`,
            accepts: "property names other than __proto__, constructor and prototype"
          })
        }
        continue
      }
      const child: unknown = (current as Readonly<Record<string, unknown>>)[key]
      if (isContainer(child)) stack.push({ value: child, depth: frame.depth + 1, path: childPath(frame.path, key) })
    }
  }
  return issues
}

export interface KnownSplit {
  /** The arguments with only the tool's own properties (the same object when nothing was dropped). */
  readonly known: unknown
  readonly unknownKeys: ReadonlyArray<string>
  readonly unknownCount: number
}

/** Separates properties the tool does not have; lists the first `listed`, counts the rest. */
export const splitUnknown = (args: unknown, properties: ReadonlySet<string>, listed: number): KnownSplit => {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return { known: args, unknownKeys: [], unknownCount: 0 }
  }
  const record = args as Readonly<Record<string, unknown>>
  const unknownKeys: Array<string> = []
  let unknownCount = 0
  for (const key of Object.keys(record)) {
    if (properties.has(key) || forbiddenKeys.has(key)) continue
    if (unknownKeys.length < listed) unknownKeys.push(key)
    unknownCount++
  }
  if (unknownCount === 0) return { known: args, unknownKeys, unknownCount }
  const known: Record<string, unknown> = {}
  for (const key of properties) if (Object.hasOwn(record, key)) known[key] = record[key]
  return { known, unknownKeys, unknownCount }
}

export const unknownKeyIssue = (tool: string, key: string, value: unknown): InputIssue => ({
  path: key.length > 60 ? `${JSON.stringify(key.slice(0, 60))}…` : key,
  problem: `is not a property of ${tool}`,
  sent: preview(value)
})
