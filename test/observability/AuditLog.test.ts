import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import {
  type AuditEntry,
  auditLine,
  makeAuditLog,
  makeAuditLogTo,
  maxQueuedChars
} from "../../src/observability/audit/AuditLog.ts"
import { Metrics } from "../../src/observability/Metrics.ts"

const entry = (index: number): AuditEntry => ({
  userId: "user-1",
  clientName: "agent-x",
  era: "modern",
  sessionId: undefined,
  spaceId: "space-1",
  tool: "todo.create",
  decision: "allow",
  reason: "clean",
  outcome: "ok",
  records: [{ app: "todo", table: "tasks", id: `task-${index}`, op: "insert" }],
  durationMs: 12,
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736"
})

const linesOf = (path: string) =>
  existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((line) => line !== "") : []

/** Records `count` entries into a file sink and closes it (which flushes the queue). */
const recordInto = (sink: { path: string; maxBytes: number; maxFiles: number }, count: number) =>
  Effect.scoped(Effect.gen(function*() {
    const audit = yield* makeAuditLog({ _tag: "File", ...sink })
    for (let index = 0; index < count; index++) yield* audit.record(entry(index))
  }))

describe("AuditLog", () => {
  it.live("appends one JSON line per call to the file sink, ids and decisions only", () =>
    Effect.gen(function*() {
      const path = join(mkdtempSync(join(tmpdir(), "audit-")), "logs", "audit.log")
      yield* recordInto({ path, maxBytes: 1_000_000, maxFiles: 3 }, 3)
      const lines = linesOf(path).map((line) => JSON.parse(line))
      assert.strictEqual(lines.length, 3)
      assert.deepStrictEqual(Object.keys(lines[0]), [
        "kind",
        "time",
        "userId",
        "client",
        "era",
        "sessionId",
        "spaceId",
        "tool",
        "decision",
        "reason",
        "outcome",
        "records",
        "durationMs",
        "traceId"
      ])
      assert.deepInclude(lines[2], { kind: "audit", tool: "todo.create", sessionId: null, client: "agent-x" })
      assert.deepStrictEqual(lines[2].records, [{ app: "todo", table: "tasks", id: "task-2", op: "insert" }])
      assert.match(lines[0].time, /^\d{4}-\d{2}-\d{2}T/)
    }).pipe(Effect.provide(Metrics.layer)))

  it.live("rotates by size and keeps maxFiles rotated files", () =>
    Effect.gen(function*() {
      const path = join(mkdtempSync(join(tmpdir(), "audit-")), "audit.log")
      const lineBytes = readLineBytes()
      // Two lines per file; 9 lines → the live file and 2 kept rotations hold the last 5–6 lines.
      for (let index = 0; index < 9; index++) yield* recordInto({ path, maxBytes: lineBytes * 2, maxFiles: 2 }, 1)
      assert.isAtMost(linesOf(path).length, 2)
      assert.strictEqual(linesOf(`${path}.1`).length, 2)
      assert.strictEqual(linesOf(`${path}.2`).length, 2)
      assert.isFalse(existsSync(`${path}.3`))
    }).pipe(Effect.provide(Metrics.layer)))

  it.live("never fails a call when the file cannot be written: the lost lines are counted", () =>
    Effect.gen(function*() {
      const blocker = join(mkdtempSync(join(tmpdir(), "audit-")), "not-a-directory")
      writeFileSync(blocker, "")
      yield* recordInto({ path: join(blocker, "audit.log"), maxBytes: 1_000_000, maxFiles: 2 }, 3)
      const text = yield* Effect.flatMap(Metrics, (metrics) => metrics.render)
      assert.include(text, `mana_mcp_audit_write_failures_total{reason="io-error",service="mana-mcp"} 3`)
    }).pipe(Effect.provide(Metrics.layer)))

  it.live("the writer keeps nothing per batch written: a long run of single-line batches does not grow the heap", () =>
    Effect.gen(function*() {
      const gc = collectGarbage()
      let written = 0
      const audit = yield* makeAuditLogTo(() => Effect.sync(() => void (written += 1)))
      const heapAfter = (batches: number) =>
        Effect.gen(function*() {
          // One line, then let the writer take it alone: every line is a batch of its own.
          for (let index = 0; index < batches; index++) {
            yield* audit.record(entry(index))
            yield* Effect.yieldNow()
          }
          gc()
          return process.memoryUsage().heapUsed
        })
      const warm = yield* heapAfter(5_000)
      const after = yield* heapAfter(60_000)
      assert.isAtLeast(written, 60_000)
      // A writer loop that recursed (each batch's step waiting on the next) kept ~1 KB per batch: 60 MB here.
      assert.isBelow(after - warm, 8 * 1048576, `heap grew by ${((after - warm) / 1048576).toFixed(1)} MB`)
    }).pipe(Effect.scoped, Effect.provide(Metrics.layer)))

  it.live("a stalled sink holds at most maxQueuedChars of lines; the lines past it are dropped and counted", () =>
    Effect.gen(function*() {
      // A bulk call's line (50 record ids) is ~5 KB: 10 000 queued lines would be ~50 MB.
      const bulk = (index: number): AuditEntry => ({
        ...entry(index),
        records: Array.from({ length: 50 }, (_, item) => ({
          app: "todo",
          table: "tasks",
          id: `00000000-0000-4000-8000-${String(100_000_000_000 + index * 50 + item)}`,
          op: "insert" as const
        }))
      })
      const lineChars = auditLine("2026-01-01T00:00:00.000Z", bulk(0)).length
      const count = 2_000
      yield* Effect.scoped(Effect.gen(function*() {
        const audit = yield* makeAuditLogTo(() => Effect.never)
        for (let index = 0; index < count; index++) yield* audit.record(bulk(index))
      }))
      const text = yield* Effect.flatMap(Metrics, (metrics) => metrics.render)
      const dropped = Number(/audit_write_failures_total\{reason="queue-full"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0)
      // Held: what the writer took into its stalled write plus what waits in the queue.
      assert.strictEqual(dropped, count - Math.floor(maxQueuedChars / lineChars))
    }).pipe(Effect.provide(Metrics.layer)))
})

/** A full collection, so that heap sizes compare what is kept rather than where the collector was. */
const collectGarbage = (): () => void => {
  setFlagsFromString("--expose-gc")
  return runInNewContext("gc") as () => void
}

/** The byte length of one line of `entry(n)` for n < 10, newline included. */
const readLineBytes = () => Buffer.byteLength(auditLine("2026-01-01T00:00:00.000Z", entry(0)), "utf8") + 1
