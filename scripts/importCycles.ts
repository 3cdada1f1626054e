/**
 * The import-graph lint that `npm run lint` runs after eslint: no import cycles among the project's
 * TypeScript files (type-only imports count — a type-only circle still ties two files together),
 * and no import up the layers of src/: the shared vocabulary (`domain`, `config`, `state`,
 * `observability`) imports none of the services, the services (`auth`, `policy`, `sync`, …) none of
 * `tools`, `tools` none of `transport`, and none of them `conformance` (wired only by main). It
 * parses import and re-export statements with the TypeScript compiler's `preProcessFile` (no type
 * checking), so it runs in well under a second.
 *
 *   bun scripts/importCycles.ts           exits 1 and names every cycle and upward import
 *   bun scripts/importCycles.ts --count   prints the counts only, exits 0 (for docs/architecture.md)
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import ts from "typescript"

const root = resolve(dirname(new URL(import.meta.url).pathname), "..")
const roots = ["src", "test", "bench", "scripts"]

/** The layers of src/, lowest first: a file may import its own layer and those below, never above. */
const layers: ReadonlyArray<ReadonlyArray<string>> = [
  ["domain", "config", "state", "observability"],
  ["auth", "keys", "upstream", "sync", "policy", "sessions", "streams", "live"],
  ["tools"],
  ["transport"],
  // Wired only by src/main.ts: nothing below imports the conformance fixtures.
  ["conformance"]
]
const layerOf = (file: string): number | undefined => {
  const folder = /^src\/([^/]+)\//.exec(file)?.[1]
  const index = layers.findIndex((layer) => folder !== undefined && layer.includes(folder))
  return index === -1 ? undefined : index
}

const listFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (name === "node_modules" || name.startsWith(".")) return []
    if (statSync(path).isDirectory()) return listFiles(path)
    return path.endsWith(".ts") ? [path] : []
  })

const resolveImport = (from: string, specifier: string): string | undefined => {
  if (!specifier.startsWith(".")) return undefined
  const base = resolve(dirname(from), specifier)
  const candidate = [base, `${base}.ts`, join(base, "index.ts")].find((path) =>
    existsSync(path) && statSync(path).isFile()
  )
  return candidate?.endsWith(".ts") ? candidate : undefined
}

const files = roots.flatMap((dir) => existsSync(join(root, dir)) ? listFiles(join(root, dir)) : [])
const graph = new Map<string, ReadonlyArray<string>>(
  files.map((file) => {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, false)
    const targets = info.importedFiles.flatMap((ref) => resolveImport(file, ref.fileName) ?? [])
    return [file, [...new Set(targets)]]
  })
)

/** Tarjan's strongly connected components: every component of more than one file is a cycle. */
const components = (): ReadonlyArray<ReadonlyArray<string>> => {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  const found: Array<ReadonlyArray<string>> = []
  let counter = 0
  const visit = (node: string): void => {
    index.set(node, counter)
    low.set(node, counter)
    counter++
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: Array<string> = []
      let member: string | undefined
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component)
    }
  }
  for (const node of graph.keys()) if (!index.has(node)) visit(node)
  return found
}

const show = (file: string) => relative(root, file)
const cycles = components()
const upward = [...graph].flatMap(([from, targets]) => {
  const source = show(from)
  const level = layerOf(source)
  if (level === undefined) return []
  return targets.filter((target) => (layerOf(show(target)) ?? -1) > level).map((target) =>
    `${source} → ${show(target)}`
  )
})

if (process.argv.includes("--count")) {
  const inCycles = cycles.reduce((sum, component) => sum + component.length, 0)
  console.log(
    `${cycles.length} import cycles (${inCycles} files), ${upward.length} upward imports, ${files.length} files`
  )
} else if (cycles.length > 0 || upward.length > 0) {
  for (const component of cycles) {
    console.error(`import cycle: ${component.map(show).sort().join(" ↔ ")}`)
  }
  for (const arrow of upward) console.error(`import up the layers: ${arrow}`)
  console.error(
    "Move the shared part (an interface, a type) into its own file, in the lowest layer that needs it."
  )
  process.exitCode = 1
}
