/**
 * Processes around the `peer` benchmark: the naive peer (`bench/peerServer.ts`) as its own Bun
 * process, and a process's CPU time read from `/proc/<pid>/stat` (user + system), so a run can
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

export interface Peer {
  readonly mcpUrl: string
  readonly pid: number | undefined
  readonly stop: () => Promise<void>
}

const readyPrefix = "PEER_READY "

/** Starts the naive peer against the given upstreams and waits for its ready line. */
export const startPeer = async (authUrl: string, syncUrl: string): Promise<Peer> => {
  const child = track(spawn(bunBin, ["bench/peerServer.ts"], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PEER_AUTH_URL: authUrl, PEER_SYNC_URL: syncUrl }
  }))
  const output = collectOutput(child)
  const exited = new Promise<void>((done) => child.once("exit", () => done()))
  const stop = async () => {
    signalGroup(child, "SIGKILL")
    await exited
  }
  const line = await readyLine(child, readyPrefix, 30_000, "peer", output, exited).catch(async (error: unknown) => {
    await stop()
    throw error
  })
  const ready = JSON.parse(line) as { mcpUrl: string }
  return { mcpUrl: ready.mcpUrl, pid: child.pid, stop }
}
