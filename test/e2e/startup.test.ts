/**
 * Start-up failures of the real entry (`bun src/main.ts`): each is one line on stderr naming what
 * to fix, and exit code 1. (The banner is checked in `eras.test.ts`, against a running gateway; the
 * transport's rules are tested in-process in `test/transport/`.)
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

describe("start-up configuration", () => {
  const bun = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "bun")
  const entry = join(import.meta.dirname, "..", "..", "src", "main.ts")

  it("stops with one line naming the variable, the bad value and what is accepted", () => {
    const run = spawnSync(bun, [entry], {
      env: { ...process.env, POLICY_MODE: "strict" },
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).toBe(1)
    const lines = run.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain("POLICY_MODE=\"strict\"")
    expect(lines[0]).toContain("off, log-only, enforce")
  })

  it("names GATEWAY_PROCESSES and what it accepts when it is not auto or a positive integer", () => {
    const run = spawnSync(bun, [entry], {
      env: { ...process.env, GATEWAY_PROCESSES: "all" },
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).toBe(1)
    const lines = run.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain("GATEWAY_PROCESSES=\"all\"")
    expect(lines[0]).toContain("auto (one per core) or a positive integer")
  })

  it("names the server and the setting when a port is taken, in one line", async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
    const address = blocker.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    const run = spawnSync(bun, [entry], {
      env: {
        ...process.env,
        PORT: "0",
        DEV_AUTH_PORT: String(port),
        DEV_SYNC_PORT: "0",
        MANA_DEV_DATA_DIR: mkdtempSync(join(tmpdir(), "mana-port-"))
      },
      encoding: "utf8",
      timeout: 20_000
    })
    blocker.close()
    expect(run.status).toBe(1)
    expect(run.stderr.trim().split("\n")).toEqual([
      `mana-mcp: cannot listen on 127.0.0.1:${port} for the dev mana-auth (is the port in use?); set DEV_AUTH_PORT to a free port, or 0 to pick one`
    ])
  })

  it("names a corrupt dev data file in one line, without quoting its contents", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mana-corrupt-"))
    writeFileSync(
      join(dataDir, "auth.json"),
      JSON.stringify({ version: 1, users: [{ masterKey: "c2VjcmV0LWtleS1tYXRlcmlhbA==" }] })
    )
    const run = spawnSync(bun, [entry], {
      env: { ...process.env, PORT: "0", DEV_AUTH_PORT: "0", DEV_SYNC_PORT: "0", MANA_DEV_DATA_DIR: dataDir },
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).toBe(1)
    const lines = run.stderr.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(join(dataDir, "auth.json"))
    expect(run.stderr + run.stdout).not.toContain("c2VjcmV0LWtleS1tYXRlcmlhbA==")
  })

  it("--help prints usage and exits 0 without starting; an unknown argument is refused in one line", () => {
    for (const [command, args] of [[bun, [entry, "--help"]], ["npm", ["start", "--silent", "--", "--help"]]] as const) {
      const run = spawnSync(command, args, {
        cwd: join(import.meta.dirname, "..", ".."),
        // A run that starts a server never exits by itself: it cannot pass by accident.
        env: {
          ...process.env,
          PORT: "0",
          DEV_AUTH_PORT: "0",
          DEV_SYNC_PORT: "0",
          MANA_DEV_DATA_DIR: mkdtempSync(join(tmpdir(), "mana-help-"))
        },
        encoding: "utf8",
        timeout: 20_000
      })
      expect(run.status, `${command} ${args.join(" ")}`).toBe(0)
      expect(run.stdout).toContain("Usage:")
      expect(run.stdout).toContain("PUBLIC_URL")
      expect(run.stdout).not.toContain("listening")
    }
    const unknown = spawnSync(bun, [entry, "--port=4000"], { encoding: "utf8", timeout: 20_000 })
    expect(unknown.status).toBe(2)
    expect(unknown.stderr.trim().split("\n")).toEqual([
      "mana-mcp: unknown argument \"--port=4000\"; the gateway is configured by environment variables (npm start -- --help)"
    ])
  })

  it("refuses exactly one upstream URL", () => {
    const run = spawnSync(bun, [entry], {
      env: { ...process.env, MANA_AUTH_URL: "http://localhost:1" },
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("MANA_AUTH_URL is set but MANA_SYNC_URL is not")
  })
})
