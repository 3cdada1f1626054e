/**
 * Bulk calls in the invoke pipeline: one gate decision per call with the item count in the
 * audit line and `mana_mcp_bulk_items_total`; a destructive bulk call asks once in enforce mode,
 * its dry run asks nobody; a call past the item budget is refused whole before the handler runs.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Ref, Schema } from "effect"
import { ManaConfig } from "../../src/config/Config.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { ConfirmationSigner } from "../../src/policy/ConfirmationSigner.ts"
import { Policy } from "../../src/policy/Policy.ts"
import { dryRunField, idsField } from "../../src/tools/kit/bulk/bulkFields.ts"
import { BulkResult } from "../../src/tools/kit/bulk/BulkResult.ts"
import { makeInvoke } from "../../src/tools/kit/invoke.ts"
import { makeRegistry } from "../../src/tools/kit/registry.ts"
import { defineTool } from "../../src/tools/kit/ToolSpec.ts"
import { AuditCapture, auditCaptureLayer } from "../support/auditCapture.ts"
import { metricValue } from "../support/prometheus.ts"
import { aliceCaller } from "../support/users.ts"

const wipeMany = (ran: Ref.Ref<number>) =>
  defineTool({
    name: "test.wipeMany",
    title: "Wipe many",
    description: "A destructive bulk tool",
    scope: "user-space",
    policyHint: "destructive",
    input: Schema.Struct({ ids: idsField("ids"), dryRun: dryRunField }),
    output: BulkResult,
    confirmation: {
      prompt: ({ ids }) => Effect.succeed(`Wipe ${ids.length}?`),
      declined: () => ({ dryRun: false, done: 0, unchanged: 0, refused: 0, results: [], message: "declined" })
    },
    handler: ({ dryRun, ids }) =>
      Effect.as(Ref.update(ran, (n) => n + 1), {
        dryRun,
        done: ids.length,
        unchanged: 0,
        refused: 0,
        results: [],
        message: "ok"
      })
  })

const deps = (env: Record<string, string>) =>
  Layer.mergeAll(Policy.layerMemory, auditCaptureLayer, ConfirmationSigner.layer).pipe(
    Layer.provideMerge(Layer.mergeAll(ManaConfig.layer, Metrics.layer)),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
  )

const ids = (count: number) =>
  Array.from({ length: count }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`)

describe("bulk calls in the pipeline", () => {
  it.effect("ask once when destructive, never for a dry run; audit and count the items", () =>
    Effect.gen(function*() {
      const ran = yield* Ref.make(0)
      const invoke = makeInvoke(yield* makeRegistry([wipeMany(ran)]))
      const asked = yield* invoke("test.wipeMany", { ids: ids(3) }, aliceCaller, { canAsk: true })
      assert.strictEqual(asked._tag, "ConfirmationRequired")
      const dry = yield* invoke("test.wipeMany", { ids: ids(3), dryRun: true }, aliceCaller, { canAsk: true })
      assert.strictEqual(dry._tag, "Result")
      assert.strictEqual(yield* Ref.get(ran), 1)
      const audit = yield* AuditCapture
      assert.deepStrictEqual(audit.map((entry) => [entry.decision, entry.items]), [["asked", 3], ["allow", 3]])
      const text = yield* (yield* Metrics).render
      assert.strictEqual(metricValue(text, "mana_mcp_bulk_items_total", { tool: "test.wipeMany", dry_run: "true" }), 3)
    }).pipe(Effect.provide(deps({ POLICY_MODE: "enforce" }))))

  it.effect("refuses a call past the item budget before the handler runs", () =>
    Effect.gen(function*() {
      const ran = yield* Ref.make(0)
      const invoke = makeInvoke(yield* makeRegistry([wipeMany(ran)]))
      const first = yield* invoke("test.wipeMany", { ids: ids(40) }, aliceCaller)
      assert.strictEqual(first._tag, "Result")
      const second = yield* invoke("test.wipeMany", { ids: ids(20) }, aliceCaller)
      assert.strictEqual(second._tag, "Result")
      const text = second._tag === "Result" ? second.result.content[0]?.text ?? "" : ""
      assert.include(text, "item-budget-exceeded")
      assert.strictEqual(yield* Ref.get(ran), 1)
      const audit = yield* AuditCapture
      assert.deepStrictEqual(audit.map((entry) => [entry.reason, entry.items]), [["clean", 40], [
        "item-budget-exceeded",
        20
      ]])
    }).pipe(
      Effect.provide(
        deps({ POLICY_MODE: "enforce", POLICY_BULK_ITEM_BUDGET: "50", POLICY_ALLOW_DESTRUCTIVE: "test.wipeMany" })
      )
    ))
})
