/**
 * Ids: where new record ids and client ids come from. The live layer uses `crypto.randomUUID`
 * (UUID v4, as the web app does); the test layer counts, so tests can predict ids. Nothing else
 * in the gateway should call `crypto.randomUUID` directly.
 */
import { Context, Effect, Layer, Ref } from "effect"

export interface IdsShape {
  /** A fresh UUID v4 string. */
  readonly uuid: Effect.Effect<string>
}

export class Ids extends Context.Tag("mana-mcp/Ids")<Ids, IdsShape>() {
  static readonly layer = Layer.succeed(Ids, { uuid: Effect.sync(() => crypto.randomUUID()) })

  /** Deterministic v4-shaped ids: `00000000-0000-4000-8000-000000000001`, `…002`, … */
  static readonly layerTest = Layer.effect(
    Ids,
    Effect.map(Ref.make(0), (counter) => ({
      uuid: Ref.updateAndGet(counter, (n) => n + 1).pipe(
        Effect.map((n) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`)
      )
    }))
  )
}
