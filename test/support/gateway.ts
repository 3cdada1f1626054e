/**
 * Starts the real `npm start` entry (Bun, local mode, all ports 0, a fresh data dir) as a child
 * process and waits for its machine-readable ready line. End-to-end tests talk to it over real
 * HTTP only; nothing in-process is shared with it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface ReadyInfo {
  readonly mcpUrl: string
  readonly baseUrl: string
  readonly authUrl: string
  readonly syncUrl: string
  readonly devToken?: string
  readonly devSpaceId?: string
}

export interface Gateway extends ReadyInfo {
  readonly dataDir: string
  readonly output: () => string
  /** Sends SIGTERM and resolves with the exit code once the process has exited. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

const readyPrefix = "MANA_MCP_READY "
const repoRoot = join(import.meta.dirname, "..", "..")

const bun = join(repoRoot, "node_modules", ".bin", "bun")

/** Resolves once no process of the group is left (npm exits on SIGTERM before its child does). */
const groupGone = async (pgid: number) => {
  for (let waited = 0; waited < 15_000; waited += 50) {
    try {
      process.kill(-pgid, 0)
    } catch {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * `direct: true` runs the command `npm start` runs (`bun src/main.ts`) without npm in between, so
 * a test can observe the gateway's own exit code and timing on a signal.
 */
export const startGateway = async (
  env: Record<string, string> = {},
  options: { dataDir?: string; direct?: boolean } = {}
): Promise<Gateway> => {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "mana-mcp-e2e-"))
  const [command, args] = options.direct === true ? [bun, ["src/main.ts"]] : ["npm", ["start", "--silent"]]
  const child: ChildProcess = spawn(command, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: "0",
      DEV_AUTH_PORT: "0",
      DEV_SYNC_PORT: "0",
      MANA_DEV_DATA_DIR: dataDir,
      MANA_AUTH_URL: "",
      MANA_SYNC_URL: "",
      ...env
    }
  })
  let output = ""
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const ready = await new Promise<ReadyInfo>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const line = output.split("\n").find((candidate) => candidate.startsWith(readyPrefix))
      if (line !== undefined) resolve(JSON.parse(line.slice(readyPrefix.length)))
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    void exited.then((code) => reject(new Error(`gateway exited (${code}) before it was ready:\n${output}`)))
  })
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.pid !== undefined) {
      // npm runs the entry in a child shell: signal the whole process group.
      process.kill(-child.pid, signal)
    }
    const code = await exited
    if (child.pid !== undefined) await groupGone(child.pid)
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
    return code
  }
  return { ...ready, dataDir, output: () => output, stop }
}
