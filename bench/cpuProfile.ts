/**
 * Reads a Bun/V8 `.cpuprofile` (written by `bun --cpu-prof`) into a breakdown by where the CPU
 * samples were spent: self samples grouped by package (Effect, MCP SDK, zod, jose, the gateway's
 * own `src/`, native JSON, …), plus the share of samples with at least one Effect frame anywhere
 * on the stack. Counts samples, not time deltas, so idle gaps are not charged to the last frame.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string }
  readonly children?: ReadonlyArray<number>
}

interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
}

export interface ProfileBreakdown {
  readonly samples: number
  /** Share of busy samples per group, largest first. */
  readonly groups: ReadonlyArray<{ readonly group: string; readonly share: number }>
  /** Share of busy samples with an Effect frame anywhere on the stack. */
  readonly effectOnStack: number
  /** The hottest functions by self samples. */
  readonly top: ReadonlyArray<{ readonly name: string; readonly share: number }>
}

const idle = new Set(["(idle)", "(program)", "(root)"])

const groupOf = (node: ProfileNode): string => {
  const { functionName, url } = node.callFrame
  if (functionName === "(garbage collector)") return "garbage collector"
  if (url.includes("node_modules/effect/")) return "effect (runtime, Schema, HashMap)"
  if (url.includes("node_modules/@effect/platform")) return "@effect/platform (HTTP server and client)"
  if (url.includes("node_modules/@modelcontextprotocol/")) return "MCP SDK"
  if (url.includes("node_modules/zod")) return "zod (inside the MCP SDK)"
  if (url.includes("node_modules/jose")) return "jose"
  if (url.includes("node_modules/prom-client")) return "prom-client"
  if (url.includes("/src/")) return "gateway code (src/)"
  if (/stringify|parse/i.test(functionName) && (url === "" || url.includes("native"))) return "native JSON"
  if (url === "" || url.includes("native")) return `native: ${functionName || "(anonymous)"}`
  return "other JS (Bun builtins, node_modules)"
}

const shortName = (node: ProfileNode) => {
  const { functionName, url } = node.callFrame
  const file = url.replace(/^.*node_modules\//, "").replace(/^.*\/src\//, "src/")
  return `${functionName || "(anonymous)"} ${file === "" ? "[native]" : file}`
}

export const summarizeProfile = (profile: Profile): ProfileBreakdown => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const groups = new Map<string, number>()
  const top = new Map<string, number>()
  let busy = 0
  let effect = 0
  for (const id of profile.samples) {
    const node = byId.get(id)
    if (node === undefined || idle.has(node.callFrame.functionName)) continue
    busy += 1
    const group = groupOf(node)
    groups.set(group, (groups.get(group) ?? 0) + 1)
    const name = shortName(node)
    top.set(name, (top.get(name) ?? 0) + 1)
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
      if (byId.get(cursor)?.callFrame.url.includes("node_modules/effect/") === true) {
        effect += 1
        break
      }
    }
  }
  const shares = (counts: Map<string, number>) =>
    [...counts].sort((a, b) => b[1] - a[1]).map(([name, count]) => ({ name, share: count / Math.max(1, busy) }))
  return {
    samples: busy,
    groups: shares(groups).map(({ name, share }) => ({ group: name, share })),
    effectOnStack: effect / Math.max(1, busy),
    top: shares(top).slice(0, 12)
  }
}

/** The breakdown of the one `.cpuprofile` in `dir`, or undefined when there is none. */
export const readProfileDir = (dir: string): ProfileBreakdown | undefined => {
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"))
  if (file === undefined) return undefined
  return summarizeProfile(JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile)
}

export const formatBreakdown = (label: string, breakdown: ProfileBreakdown): ReadonlyArray<string> => [
  `${label}: ${breakdown.samples} busy samples; Effect frame on the stack in ${
    (breakdown.effectOnStack * 100).toFixed(0)
  } %; self time by package: ${
    breakdown.groups.slice(0, 9).map((g) => `${g.group} ${(g.share * 100).toFixed(0)} %`).join(", ")
  }`,
  `${label}, hottest functions (self): ${
    breakdown.top.slice(0, 8).map((t) => `${t.name} ${(t.share * 100).toFixed(1)} %`).join(", ")
  }`
]
