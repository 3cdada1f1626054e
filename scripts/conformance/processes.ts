/**
 * Child processes for the conformance run: the real gateway (the `npm start` entry, `bun
 * src/main.ts`, local mode with embedded dev mana-auth/mana-sync, every port 0, a throw-away data
 * dir) up to its `MANA_MCP_READY {json}` line, and one-shot commands with a watchdog. Every child
 * gets its own process group so stopping it also stops anything it spawned.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Either, Schema } from "effect"

export const repoRoot = join(import.meta.dirname, "..", "..")
export const bunBin = join(repoRoot, "node_modules", ".bin", "bun")

const ReadyLine = Schema.parseJson(Schema.Struct({
  mcpUrl: Schema.String,
  baseUrl: Schema.String,
  devToken: Schema.String,
  devSpaceId: Schema.String
}))
export type Ready = typeof ReadyLine.Type

export interface RunningGateway extends Ready {
  readonly output: () => string
  readonly stop: () => Promise<void>
}

const readyPrefix = "MANA_MCP_READY "

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode)
    else child.once("exit", (code) => resolve(code))
  })

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone between the check and the kill.
  }
}

export const startGateway = async (env: Record<string, string> = {}): Promise<RunningGateway> => {
  const dataDir = mkdtempSync(join(tmpdir(), "mana-mcp-conformance-"))
  const child = spawn(bunBin, ["src/main.ts"], {
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
  const exited = exitOf(child)
  const stop = async () => {
    killGroup(child, "SIGTERM")
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000)
    await exited
    clearTimeout(timer)
    rmSync(dataDir, { recursive: true, force: true })
  }
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not ready after 60 s:\n${output}`)), 60_000)
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      const line = output.split("\n").find((candidate) => candidate.startsWith(readyPrefix))
      if (line === undefined) return
      clearTimeout(timer)
      const decoded = Schema.decodeUnknownEither(ReadyLine)(line.slice(readyPrefix.length))
      if (Either.isRight(decoded)) resolve(decoded.right)
      else reject(new Error(`gateway ready line lacks mcpUrl/baseUrl/devToken/devSpaceId (not local mode?): ${line.slice(0, 200)}`))
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited (${code}) before it was ready:\n${output}`))
    })
  }).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  return { ...ready, output: () => output, stop }
}

export interface CommandResult {
  readonly exitCode: number | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
  readonly durationMs: number
}

/** Runs a command to completion (killing its process group after `timeoutMs`). */
export const runCommand = (command: string, args: ReadonlyArray<string>, timeoutMs: number): Promise<CommandResult> => {
  const started = performance.now()
  const child = spawn(command, args, { cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } })
  let stdout = ""
  let stderr = ""
  let timedOut = false
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const timer = setTimeout(() => {
    timedOut = true
    killGroup(child, "SIGKILL")
  }, timeoutMs)
  // `close`, not `exit`: it fires only after stdout/stderr are drained.
  const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)))
  return closed.then((exitCode) => {
    clearTimeout(timer)
    return { exitCode, stdout, stderr, timedOut, durationMs: Math.round(performance.now() - started) }
  })
}
