import { spawn } from "node:child_process"
import { describe, expect, it } from "vitest"
import { stopTrackedProcesses, track } from "./trackedProcesses.ts"

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("trackedProcesses", () => {
  it("stops a tracked process and the processes it started (its group), and counts it", async () => {
    // A shell that starts a grandchild and prints its pid, like npm starting bun.
    const child = track(
      spawn("sh", ["-c", "sleep 300 & echo $!; wait"], { detached: true, stdio: ["ignore", "pipe", "ignore"] })
    )
    const grandchild = await new Promise<number>((resolve) =>
      child.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())))
    )
    expect(alive(grandchild)).toBe(true)
    expect(await stopTrackedProcesses()).toBe(1)
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true)
    // The grandchild is reaped by init; give it a moment.
    for (let waited = 0; waited < 2_000 && alive(grandchild); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(alive(grandchild)).toBe(false)
  })

  it("has nothing to stop once tracked processes have exited by themselves", async () => {
    const child = track(spawn("true", [], { detached: true, stdio: "ignore" }))
    await new Promise((resolve) => child.once("exit", resolve))
    expect(await stopTrackedProcesses()).toBe(0)
  })
})
