/**
 * One-shot commands for the conformance run (the suite CLIs), with a watchdog that kills the
 * command's whole process group. The gateway itself is started by `test/harness/gatewayProcess.ts`.
 */
import { spawn } from "node:child_process"
import { repoRoot, signalGroup } from "../../test/harness/gatewayProcess.ts"

export { bunBin, repoRoot } from "../../test/harness/gatewayProcess.ts"

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
  const child = spawn(command, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" }
  })
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
    signalGroup(child, "SIGKILL")
  }, timeoutMs)
  // `close`, not `exit`: it fires only after stdout/stderr are drained.
  const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)))
  return closed.then((exitCode) => {
    clearTimeout(timer)
    return { exitCode, stdout, stderr, timedOut, durationMs: Math.round(performance.now() - started) }
  })
}
