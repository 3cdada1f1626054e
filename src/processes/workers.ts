/**
 * The primary's side of `GATEWAY_PROCESSES=N`: starts N−1 more gateway processes (this same entry,
 * on the port the primary bound, which each binds again with `reusePort` so the kernel spreads
 * connections), waits until each serves, and stops them (SIGTERM, each drains) before the primary
 * itself drains. A worker that fails (exits non-zero) fails `exited`: the primary then stops
 * everything and exits 1, for the supervisor above (systemd, Kubernetes) to restart one whole gateway.
 */
import { Data, Deferred, Effect, Option, Runtime } from "effect"
import { encodeWorkerRole, roleVariable, type WorkerRole } from "./processRole.ts"

export class ProcessesNeedRedis extends Data.TaggedError("ProcessesNeedRedis")<{ readonly count: number }> {
  override get message() {
    return `GATEWAY_PROCESSES=${this.count} needs STATE_STORE=redis (processes share sessions, rate limits and stream events only through Redis); set STATE_STORE=redis with REDIS_URL, or GATEWAY_PROCESSES=1`
  }
}

export class ProcessesNeedLinux extends Data.TaggedError("ProcessesNeedLinux")<{ readonly count: number }> {
  override get message() {
    return `GATEWAY_PROCESSES=${this.count} needs Linux (the kernel balances one port across processes with SO_REUSEPORT); run one gateway per port elsewhere, or GATEWAY_PROCESSES=1`
  }
}

export class WorkerExited extends Data.TaggedError("WorkerExited")<{
  readonly index: number
  readonly code: number | null
  readonly starting: boolean
}> {
  override get message() {
    return `gateway process ${this.index} exited (code ${String(this.code)}) ${
      this.starting ? "before it served" : "while serving"
    }; stopping every process (its own error is above)`
  }
}

export interface WorkerOptions {
  readonly count: number
  readonly port: number
  readonly dev: Option.Option<{ readonly authUrl: string; readonly syncUrl: string }>
  /** Settings every process must share that the primary chose (e.g. a generated signing key). */
  readonly env: Readonly<Record<string, string>>
}

const spawnOne = (index: number, options: WorkerOptions) =>
  Effect.gen(function*() {
    const ready = yield* Deferred.make<void>()
    const runtime = yield* Effect.runtime<never>()
    const role: WorkerRole = Option.match(options.dev, {
      onNone: () => ({ index }),
      onSome: (dev) => ({ index, dev })
    })
    const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
      env: { ...process.env, ...options.env, PORT: String(options.port), [roleVariable]: encodeWorkerRole(role) },
      stdio: ["ignore", "inherit", "inherit"],
      ipc: (message) => {
        if (message === "ready") Runtime.runSync(runtime)(Deferred.succeed(ready, undefined))
      }
    })
    return { index, child, ready }
  })

type Spawned = Effect.Effect.Success<ReturnType<typeof spawnOne>>

const stopOne = ({ child }: Spawned) =>
  Effect.promise(async () => {
    child.kill("SIGTERM")
    await child.exited
  })

/** Serving, or gone first: a worker that fails at start-up has printed its own one-line error. */
const awaitServing = ({ child, index, ready }: Spawned) =>
  Effect.raceFirst(
    Deferred.await(ready),
    Effect.flatMap(
      Effect.promise(() => child.exited),
      (code) => new WorkerExited({ index, code, starting: true })
    )
  )

/** Exit 0 is a worker someone stopped on purpose (it drained): the others keep serving. */
const exitedOnItsOwn = ({ child, index }: Spawned) =>
  Effect.flatMap(
    Effect.promise(() => child.exited),
    (code) => code === 0 ? Effect.never : new WorkerExited({ index, code, starting: false })
  )

/**
 * Starts the workers in the current scope (closing it stops them) and returns an effect that
 * fails when any of them exits on its own.
 */
export const startWorkers = (options: WorkerOptions) =>
  Effect.gen(function*() {
    const indexes = Array.from({ length: options.count - 1 }, (_, i) => i + 1)
    // Spawning is not interruptible (a spawned worker is always stopped); waiting for it is.
    const workers = yield* Effect.forEach(indexes, (index) => Effect.acquireRelease(spawnOne(index, options), stopOne))
    yield* Effect.forEach(workers, awaitServing, { concurrency: "unbounded", discard: true })
    return Effect.raceAll(workers.map(exitedOnItsOwn))
  })

/** The worker's side: tell the primary this process serves, and drain when the primary is gone. */
export const reportReady = Effect.sync(() => {
  process.on("disconnect", () => process.kill(process.pid, "SIGTERM"))
  process.send?.("ready")
})
