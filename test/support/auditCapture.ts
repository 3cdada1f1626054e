/**
 * An `AuditLog` that keeps the entries in memory, for unit tests of the invoke pipeline:
 * `AuditCapture` gives the test the list the layer appends to (fresh per provided layer).
 */
import { Context, Effect, Layer } from "effect"
import { type AuditEntry, AuditLog } from "../../src/observability/audit/AuditLog.ts"

export class AuditCapture extends Context.Tag("test/AuditCapture")<AuditCapture, Array<AuditEntry>>() {}

export const auditCaptureLayer = Layer.effect(
  AuditLog,
  Effect.map(
    AuditCapture,
    (entries) => ({ record: (entry: AuditEntry) => Effect.sync(() => void entries.push(entry)) })
  )
).pipe(Layer.provideMerge(Layer.sync(AuditCapture, () => [])))
