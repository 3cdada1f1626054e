/**
 * AuditLog: one JSON line per tool call, answering "which agent did what, in which space, when,
 * and was it allowed?" — who (user id, client name, era, session), where (space), what (tool,
 * ids of the records written), the policy decision and reason, the outcome, the duration and the
 * trace id. Never arguments, results or record content. `record` never blocks a call: lines go
 * into a queue bounded in lines and characters that one fiber writes to the sink (stdout, or a
 * size-rotated file), each write waiting until the sink took the last (so a stalled sink holds
 * the bound, no more); a line that does not fit or cannot be written is counted in
 * `mana_mcp_audit_write_failures_total`.
 */
import { Chunk, Clock, Context, Effect, Fiber, Layer, Queue, type Scope } from "effect"
import { ManaConfig } from "../../config/Config.ts"
import { Metrics } from "../Metrics.ts"
import type { AuditSink } from "./AuditSettings.ts"
import { makeRotatingFile } from "./rotatingFile.ts"
import type { WrittenRecord } from "./writtenRecords.ts"

/** `unchecked`: `POLICY_MODE=off` or the call never reached the gate (invalid input). */
export type AuditDecision =
  | "allow"
  | "flagged"
  | "deny"
  | "would-deny"
  | "unchecked"
  /** Destructive calls the user was asked about (docs/tools.md "Confirmation of destructive calls"). */
  | "asked"
  | "confirmed"
  | "declined"

export interface AuditEntry {
  readonly userId: string
  readonly clientName: string | undefined
  readonly era: "legacy" | "modern" | undefined
  readonly sessionId: string | undefined
  readonly spaceId: string
  readonly tool: string
  readonly decision: AuditDecision
  readonly reason: string
  /** `ok`, or what went wrong: an error tag (`SyncUnavailable`, `PolicyDenied`, …), `input-invalid` or `defect`. */
  readonly outcome: string
  readonly records: ReadonlyArray<WrittenRecord>
  /** A bulk call's item count (`items` or `ids`), absent for other calls. */
  readonly items?: number
  readonly durationMs: number
  readonly traceId: string | undefined
}

export interface AuditLogShape {
  /** Queues the line for the call; never fails and never waits for the sink. */
  readonly record: (entry: AuditEntry) => Effect.Effect<void>
}

const queueCapacity = 10_000
/**
 * Characters of lines held (queued, or taken by a write still under way) at most: a sink that
 * stalls (a log collector that stopped reading stdout) costs this much memory and no more; later
 * lines are dropped and counted. Line counts alone allowed ~50 MB (10 000 lines of bulk calls).
 */
export const maxQueuedChars = 4 * 1048576
const stop = Symbol("stop")
const batchLines = 500
/** How long shutdown waits for the last lines to reach the sink. */
const shutdownFlushMillis = 2_000

/** The line, with a fixed key order so a human can read a file of them. */
export const auditLine = (time: string, entry: AuditEntry): string =>
  JSON.stringify({
    kind: "audit",
    time,
    userId: entry.userId,
    client: entry.clientName ?? null,
    era: entry.era ?? null,
    sessionId: entry.sessionId ?? null,
    spaceId: entry.spaceId,
    tool: entry.tool,
    decision: entry.decision,
    reason: entry.reason,
    outcome: entry.outcome,
    records: entry.records,
    ...(entry.items === undefined ? {} : { items: entry.items }),
    durationMs: entry.durationMs,
    traceId: entry.traceId ?? null
  })

/** Writes whole lines to the sink; resumes once the sink has taken them. */
export type Write = (text: string) => Effect.Effect<void, unknown>

/**
 * Resumes once stdout has taken the text. Waiting for it (as the file sink waits for its append)
 * lets the lines of concurrent calls gather in the queue meanwhile, so a busy gateway writes them
 * in a few large writes instead of one write, and one wake-up of the log reader, per call.
 */
const writeStdout: Write = (text) =>
  Effect.async<void, Error>((resume) => {
    process.stdout.write(text, (error) =>
      resume(error === null || error === undefined ? Effect.void : Effect.fail(error)))
  })

const writerFor = (sink: Exclude<AuditSink, { _tag: "Off" }>): Effect.Effect<Write> =>
  sink._tag === "Stdout"
    ? Effect.succeed(writeStdout)
    : Effect.map(makeRotatingFile(sink), (file): Write => file.append)

export const makeAuditLog = (sink: AuditSink): Effect.Effect<AuditLogShape, never, Metrics | Scope.Scope> =>
  sink._tag === "Off"
    ? Effect.succeed({ record: () => Effect.void })
    : Effect.flatMap(writerFor(sink), makeAuditLogTo)

/** The audit log over a sink's `write`: the bounded queue and the one writer fiber. */
export const makeAuditLogTo = (write: Write): Effect.Effect<AuditLogShape, never, Metrics | Scope.Scope> =>
  Effect.gen(function*() {
    const metrics = yield* Metrics
    // `stop` (offered on shutdown, after every line) ends the writer once the lines before it are written.
    const queue = yield* Queue.dropping<string | typeof stop>(queueCapacity)
    /** Characters of the lines held: counted when queued, released once their write is done. */
    let heldChars = 0

    const writeBatch = (lines: Chunk.Chunk<string>) =>
      write(Chunk.join(lines, "\n") + "\n").pipe(
        Effect.catchAll(() => metrics.auditWriteFailures("io-error", lines.length)),
        Effect.ensuring(Effect.sync(() => {
          heldChars -= Chunk.reduce(lines, 0, (sum, line) => sum + line.length)
        }))
      )
    /** Writes one batch; false once `stop` was among the lines taken. */
    const writeStep: Effect.Effect<boolean> = Effect.gen(function*() {
      const taken = yield* Queue.takeBetween(queue, 1, batchLines)
      const lines = Chunk.filter(taken, (line): line is string => line !== stop)
      if (Chunk.isNonEmpty(lines)) yield* writeBatch(lines)
      return lines.length === taken.length
    })
    // A loop, not a step that ends with `yield* writeLoop`: that recursion is no tail call (each
    // step's generator waits for the next), so every batch ever written stayed reachable — the
    // soak's "stdout creep", ≈ 2 KB of heap per call at one line per batch.
    const writer = yield* Effect.forkDaemon(Effect.repeat(writeStep, { while: (more) => more }))
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => queue.unsafeOffer(stop) ? Fiber.await(writer) : Effect.void).pipe(
        Effect.interruptible,
        Effect.timeout(shutdownFlushMillis),
        Effect.ignore,
        Effect.zipRight(Fiber.interrupt(writer))
      )
    )

    return {
      // One step per line: the time (ISO 8601, UTC, from the Effect Clock), the line, the offer.
      record: (entry) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const line = auditLine(new Date(now).toISOString(), entry)
          if (heldChars + line.length > maxQueuedChars || !queue.unsafeOffer(line)) {
            return metrics.auditWriteFailures("queue-full", 1)
          }
          heldChars += line.length
          return Effect.void
        })
    }
  })

export class AuditLog extends Context.Tag("mana-mcp/AuditLog")<AuditLog, AuditLogShape>() {
  /** Per `ManaConfig.auditLog`; needs ManaConfig and Metrics. */
  static readonly layer = Layer.scoped(AuditLog, Effect.flatMap(ManaConfig, (config) => makeAuditLog(config.auditLog)))
  /** Records nothing. */
  static readonly layerOff = Layer.succeed(AuditLog, { record: () => Effect.void })
}
