/**
 * Every process the test harness starts (gateways, redis-servers, peers, browsers) is tracked
 * here, so the end of a test file stops whatever its own cleanup missed — a `beforeAll` that
 * failed halfway, an `afterAll` that threw before its last `stop()` — and no process outlives
 * the file that started it (test/harness/stopProcessesAfterFile.ts). Processes are started
 * detached, in their own group, so a stop reaches the children they start too (npm → bun).
 */
import type { ChildProcess } from "node:child_process"

const live = new Set<ChildProcess>()

/** Remembers `child` until it exits; returns it. */
export const track = <Child extends ChildProcess>(child: Child): Child => {
  live.add(child)
  child.once("exit", () => live.delete(child))
  return child
}

/** Remembers a process known only by its pid (a browser launched by playwright). */
export const trackPid = (pid: number | undefined): void => {
  if (pid !== undefined) pids.add(pid)
}
const pids = new Set<number>()

const signalGroupOrProcess = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

/** How long a SIGTERM'd process may take to stop what it started itself before SIGKILL. */
const termGraceMs = 5_000

/**
 * Stops every tracked process (and its group) still running: SIGTERM first, so one that started
 * processes of its own (the conformance runner) can stop them, then SIGKILL. Returns how many.
 */
export const stopTrackedProcesses = async (): Promise<number> => {
  const running = [...live].filter((child) => child.exitCode === null && child.signalCode === null)
  const extra = [...pids]
  pids.clear()
  if (running.length + extra.length === 0) return 0
  const exits = Promise.all(running.map((child) => new Promise((resolve) => child.once("exit", resolve))))
  for (const child of running) if (child.pid !== undefined) signalGroupOrProcess(child.pid, "SIGTERM")
  for (const pid of extra) signalGroupOrProcess(pid, "SIGTERM")
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([exits, new Promise((resolve) => timer = setTimeout(resolve, termGraceMs))])
  clearTimeout(timer)
  for (const child of running) if (child.pid !== undefined) signalGroupOrProcess(child.pid, "SIGKILL")
  for (const pid of extra) signalGroupOrProcess(pid, "SIGKILL")
  await exits
  return running.length + extra.length
}
