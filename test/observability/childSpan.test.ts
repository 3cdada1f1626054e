import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { annotateChildSpan, childSpansEnabled, withChildSpan } from "../../src/observability/tracing/childSpan.ts"

/** The name of the innermost span around the effect, with its attributes. */
const innermost = Effect.map(Effect.currentSpan, (span) => ({ name: span.name, attributes: span.attributes }))

const inChild = innermost.pipe(
  Effect.tap(() => annotateChildSpan({ "mana.note": "inside" })),
  withChildSpan("Child", { attributes: { "mana.kind": "child" } })
)

describe("child spans", () => {
  it.effect("are real spans by default (tracing configured, or tests with their own tracer)", () =>
    Effect.gen(function*() {
      const seen = yield* inChild.pipe(Effect.withSpan("Parent"))
      assert.strictEqual(seen.name, "Child")
      assert.strictEqual(seen.attributes.get("mana.kind"), "child")
      const annotated = yield* Effect.flatMap(Effect.currentSpan, (parent) =>
        inChild.pipe(
          Effect.zipRight(Effect.sync(() => parent.attributes.get("mana.note")))
        )).pipe(Effect.withSpan("Parent"))
      // The note went to the child span, not to its parent.
      assert.isUndefined(annotated)
    }))

  it.effect("are skipped while switched off (tracing off): the work runs in the parent span, which gets no child attributes", () =>
    Effect.gen(function*() {
      const [seen, note] = yield* Effect.flatMap(
        Effect.currentSpan,
        (parent) => Effect.map(inChild, (child) => [child, parent.attributes.get("mana.note")] as const)
      ).pipe(Effect.withSpan("Parent"), Effect.locally(childSpansEnabled, false))
      assert.strictEqual(seen.name, "Parent")
      assert.isUndefined(seen.attributes.get("mana.kind"))
      assert.isUndefined(note)
    }))
})
