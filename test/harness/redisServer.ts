/**
 * Starts a throw-away `redis-server` (Debian's package; `.ci/run` installs it) on a free loopback
 * port, with no persistence, for the Redis layers' tests, the multi-instance end-to-end tests and
 * the benchmarks. `stop` and `start` let a test take Redis away mid-run and bring it back on the
 * same port.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createServer, Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { redisServerBinary, requireBinary } from "./systemBinaries.ts"
import { track } from "./trackedProcesses.ts"

export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Stops the server (SIGKILL: an outage, not a shutdown) and waits until the port is closed. */
  readonly stop: () => Promise<void>
  /** Starts it again on the same port and waits until it answers. */
  readonly start: () => Promise<void>
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const answersPing = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once("error", () => done(false))
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"))
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")))
  })

const waitFor = async (condition: () => Promise<boolean>, what: string, failed?: () => Error | undefined) => {
  for (let attempt = 0; attempt < 200; attempt++) {
    const failure = failed?.()
    if (failure !== undefined) throw failure
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`redis-server: ${what} after 5 s`)
}

/**
 * `persistent`: an append-only file fsynced on every write in a temp dir, so a restarted server
 * comes back with its data (an outage, not a data loss).
 */
export const startRedisServer = async (options: { readonly persistent?: boolean } = {}): Promise<RedisServer> => {
  const port = await freePort()
  const dir = options.persistent === true ? mkdtempSync(join(tmpdir(), "mana-mcp-redis-")) : undefined
  const persistence = dir === undefined
    ? ["--appendonly", "no"]
    : ["--dir", dir, "--appendonly", "yes", "--appendfsync", "always"]
  const binary = requireBinary(redisServerBinary)
  let child: ChildProcess | undefined
  const start = async () => {
    let failure: Error | undefined
    child = track(spawn(binary, [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      ...persistence,
      "--protected-mode",
      "yes"
    ], { stdio: "ignore", detached: true }))
    // A binary that cannot start (or exits at once) fails the caller now, not after the 5 s wait.
    child.once("error", (error) => failure = new Error(`redis-server did not start: ${error.message}`))
    child.once("exit", (code) => failure ??= new Error(`redis-server exited (${String(code)}) before answering`))
    await waitFor(() => answersPing(port), "not answering", () => failure)
  }
  const stop = async () => {
    const current = child
    child = undefined
    if (current === undefined || current.exitCode !== null) return
    const exited = new Promise((resolve) => current.once("exit", resolve))
    current.kill("SIGKILL")
    await exited
    await waitFor(async () => !(await answersPing(port)), "still answering")
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, port, stop, start }
}
