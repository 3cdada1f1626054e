/**
 * package.json promises Node ≥ 20 (`engines`); every package the lock installs must run on Node 20
 * too, or `npm install` warns (EBADENGINE) and the package may not load there. Issue #28: the
 * conformance suite's `@octokit/request` pulled `content-type@3.1.1`, which wants Node ≥ 22; an
 * `overrides` entry pins the Node-20-compatible 2.x, whose `parse` is the same API.
 */
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..", "..")
const semver = createRequire(import.meta.url)("semver") as {
  readonly intersects: (left: string, right: string) => boolean
  readonly minVersion: (range: string) => { readonly major: number } | null
}

interface Locked {
  readonly version?: string
  readonly engines?: { readonly node?: unknown }
}

describe("Node engines", () => {
  it("every locked package runs on the Node major package.json promises", () => {
    const promised = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.node as string
    const major = semver.minVersion(promised)?.major ?? 0
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
      packages: Record<string, Locked>
    }
    const excluded = Object.entries(lock.packages).flatMap(([path, entry]) => {
      const range = entry.engines?.node
      return typeof range === "string" && !semver.intersects(range, `>=${major} <${major + 1}`)
        ? [`${path}@${entry.version ?? "?"} wants node ${range}`]
        : []
    })
    expect(excluded).toEqual([])
  })
})
