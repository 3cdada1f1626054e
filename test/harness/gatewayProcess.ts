/**
 * Starts the real gateway as a child process — `npm start`, or the command it runs (`bun
 * src/main.ts`) when a caller needs the gateway's own exit code — in local mode on free ports
 * with a throw-away data dir, and waits for its `MANA_MCP_READY {json}` line. Shared by the
 * end-to-end tests, the conformance runner and the benchmarks; talks to the gateway only over
 * its process and stdout.
 */
import { Either, Schema } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { track } from "./trackedProcesses.ts"

export const repoRoot = join(import.meta.dirname, "../..")
export const bunBin = join(repoRoot, "node_modules", ".bin", "bun")

const ReadyLine = Schema.parseJson(Schema.Struct({
  mcpUrl: Schema.String,
  baseUrl: Schema.String,
  authUrl: Schema.String,
  syncUrl: Schema.String,
  devToken: Schema.optional(Schema.String),
  devSpaceId: Schema.optional(Schema.String)
}))
export type ReadyInfo = typeof ReadyLine.Type

export interface Gateway extends ReadyInfo {
  readonly dataDir: string
  /** The spawned process: `bun` itself with `direct`, else npm (whose child is the gateway). */
  readonly pid: number | undefined
  readonly output: () => string
  /** Signals the process group and resolves with the entry's exit code once every process is gone. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

export interface GatewayOptions {
  /** Keep data here (and do not delete it on stop), e.g. to restart on the same data. */
  readonly dataDir?: string
  /** Run `bun src/main.ts` without npm in between, to observe the gateway's own exit and timing. */
  readonly direct?: boolean
  /** Extra `bun` flags before the entry (e.g. `--cpu-prof-md`); only with `direct`. */
  readonly bunArgs?: ReadonlyArray<string>
  /** Run the gateway of another checkout (with its own node_modules), e.g. a baseline commit in an A/B benchmark. */
  readonly root?: string
  readonly readyTimeoutMs?: number
  /** How many characters of the gateway's output `output()` keeps (the last ones); default `defaultOutputKeep`. */
  readonly keepOutput?: number
}

const readyPrefix = "MANA_MCP_READY "

/** Signals a detached child's whole process group; false once the group is gone. */
export const signalGroup = (child: ChildProcess, signal: NodeJS.Signals | 0): boolean => {
  if (child.pid === undefined) return false
  try {
    process.kill(-child.pid, signal)
    return true
  } catch {
    return false // the group is gone
  }
}

/** npm exits on SIGTERM before its child does: wait until no process of the group is left. */
const groupGone = async (child: ChildProcess) => {
  for (let waited = 0; waited < 15_000 && signalGroup(child, 0); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  signalGroup(child, "SIGKILL")
}

/** What `collectOutput` keeps by default: far more than any test reads, but a bound. */
export const defaultOutputKeep = 64 * 1048576

/**
 * A child's stdout and stderr as one text: the last `keepChars` characters or so (whole chunks;
 * older ones are dropped). Chunks are joined only when asked: an `output += …` plus a rescan on
 * every chunk made reading a busy gateway's audit lines quadratic, and that CPU was charged to
 * whoever started it (the benchmarks' load generator). Kept without a bound, a long soak's audit
 * lines (≈ 400 bytes per call) grew the load generator by tens of MB and slowed how fast it
 * drained the gateway's stdout pipe.
 */
export const collectOutput = (child: ChildProcess, keepChars = defaultOutputKeep): () => string => {
  const chunks: Array<string> = []
  let kept = 0
  let joinedCount = 0
  const keep = (chunk: Buffer) => {
    const text = chunk.toString()
    chunks.push(text)
    kept += text.length
    while (kept > keepChars && chunks.length > 1) {
      kept -= chunks.shift()?.length ?? 0
      joinedCount = Math.max(0, joinedCount - 1)
    }
  }
  child.stdout?.on("data", keep)
  child.stderr?.on("data", keep)
  return () => {
    if (joinedCount !== chunks.length) {
      const joined = chunks.join("")
      chunks.length = 0
      chunks.push(joined)
      joinedCount = 1
    }
    return chunks[0] ?? ""
  }
}

/**
 * The text after `prefix` on the first stdout line that starts with it; stdout is scanned only
 * until that line arrives. Rejects after `timeoutMs` or when the child exits first.
 */
export const readyLine = (
  child: ChildProcess,
  prefix: string,
  timeoutMs: number,
  what: string,
  output: () => string,
  exited: Promise<unknown>
): Promise<string> =>
  new Promise((resolve, reject) => {
    let pending = ""
    const timer = setTimeout(() => {
      child.stdout?.off("data", scan)
      reject(new Error(`${what} not ready after ${timeoutMs} ms:\n${output()}`))
    }, timeoutMs)
    function scan(chunk: Buffer) {
      pending += chunk.toString()
      const lines = pending.split("\n")
      pending = lines.pop() ?? ""
      const line = lines.find((candidate) => candidate.startsWith(prefix))
      if (line === undefined) return
      clearTimeout(timer)
      child.stdout?.off("data", scan)
      resolve(line.slice(prefix.length))
    }
    child.stdout?.on("data", scan)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited (${String(code)}) before it was ready:\n${output()}`))
    })
  })

export const startGateway = async (
  env: Record<string, string> = {},
  options: GatewayOptions = {}
): Promise<Gateway> => {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "mana-mcp-gateway-"))
  const [command, args] = options.direct === true
    ? [bunBin, [...(options.bunArgs ?? []), "src/main.ts"]] :
    ["npm", ["start", "--silent"]]
  const child = track(spawn(command, args, {
    cwd: options.root ?? repoRoot,
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
  }))
  const output = collectOutput(child, options.keepOutput)
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    signalGroup(child, signal)
    const code = await exited
    await groupGone(child)
    if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
    return code
  }
  const info = await readyLine(child, readyPrefix, options.readyTimeoutMs ?? 60_000, "gateway", output, exited)
    .then((line) => {
      const decoded = Schema.decodeUnknownEither(ReadyLine)(line)
      if (Either.isLeft(decoded)) throw new Error(`unreadable ready line: ${line.slice(0, 200)}`)
      return decoded.right
    })
    .catch(async (error: unknown) => {
      await stop("SIGKILL")
      throw error
    })
  return { ...info, dataDir, pid: child.pid, output, stop }
}
