/**
 * Processes around the `peer` and `floor` benchmarks: the naive peer (`bench/peerServer.ts`) and
 * the floor (`bench/floorServer.ts`) as their own Bun processes, and a process's CPU time read from `/proc/<pid>/stat` (user + system), so a run can
 * report server CPU per call. Linux only; elsewhere CPU time reads as NaN and is shown as "–".
 */
import { execFileSync, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { bunBin, collectOutput, readyLine, repoRoot, signalGroup } from "../test/harness/gatewayProcess.ts"
import { track } from "../test/harness/trackedProcesses.ts"

const clockTicks = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU seconds (user + system) the process has used so far; NaN when unreadable. */
export const processCpuSeconds = (pid: number | undefined): number => {
  if (pid === undefined) return Number.NaN
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) / clockTicks
  } catch {
    return Number.NaN
  }
}

/** CPU seconds of a process and every process it started (e.g. a gateway with GATEWAY_PROCESSES=2). */
export const treeCpuSeconds = (pid: number | undefined): number => {
  if (pid === undefined) return Number.NaN
  let children: ReadonlyArray<number> = []
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    children = []
  }
  return children.reduce((sum, child) => sum + treeCpuSeconds(child), processCpuSeconds(pid))
}

export interface Peer {
  readonly mcpUrl: string
  readonly pid: number | undefined
  readonly stop: () => Promise<void>
}

/** Starts a bench fixture server (`bun <script>`) and waits for its `<prefix> {"mcpUrl": …}` line. */
const startFixture = async (
  script: string,
  readyPrefix: string,
  env: Readonly<Record<string, string>>
): Promise<Peer> => {
  const child = track(spawn(bunBin, [script], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env }
  }))
  const output = collectOutput(child)
  const exited = new Promise<void>((done) => child.once("exit", () => done()))
  const stop = async () => {
    signalGroup(child, "SIGKILL")
    await exited
  }
  const line = await readyLine(child, readyPrefix, 30_000, script, output, exited).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  const ready = JSON.parse(line) as { mcpUrl: string }
  return { mcpUrl: ready.mcpUrl, pid: child.pid, stop }
}

/** Starts the naive peer against the given upstreams and waits for its ready line. */
export const startPeer = (authUrl: string, syncUrl: string): Promise<Peer> =>
  startFixture("bench/peerServer.ts", "PEER_READY ", { PEER_AUTH_URL: authUrl, PEER_SYNC_URL: syncUrl })

/** Starts the floor (`bench/floorServer.ts`): parse the request, serialise the seeded answer. */
export const startFloor = (): Promise<Peer> => startFixture("bench/floorServer.ts", "FLOOR_READY ", {})
