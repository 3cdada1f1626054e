/**
 * The deterministic SyncClient for tests: the shared client logic (`makeSyncClient.ts`: cursor,
 * fold, space filter, stamping) over a transport that calls the in-memory `SyncEngine` directly
 * instead of HTTP. Engine failures map to the same `SyncError`s as HTTP statuses do. JWTs are not
 * verified unless a `verifyToken` function is given; the caller's principal is trusted.
 */
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import { type EngineOptions, SyncEngine, type SyncEngineShape } from "../../src/dev/sync/SyncEngine.ts"
import type { CallerShape } from "../../src/domain/Caller.ts"
import { Ids } from "../../src/domain/Ids.ts"
import { IdempotencyStore } from "../../src/idempotency/IdempotencyStore.ts"
import { makeSyncClient } from "../../src/sync/makeSyncClient.ts"
import { ReadCache } from "../../src/sync/ReadCache.ts"
import { SyncClient } from "../../src/sync/SyncClient.ts"
import { SyncPaymentRequired, SyncRejected, SyncUnauthorized, SyncUnavailable } from "../../src/sync/SyncErrors.ts"
import type { SyncTransport } from "../../src/sync/SyncTransport.ts"
import { PullResponse } from "../../src/sync/SyncWire.ts"

export interface EngineTransportOptions {
  /** Maps a bearer token to its `sub`, or `None` for a 401. Default: trust `caller.principal.userId`. */
  readonly verifyToken?: (token: string) => Option.Option<string>
  /** Let other fibers run before each push, as a network round trip would (exposes read-then-push races). */
  readonly yieldBeforePush?: boolean
}

const mapEngineError = (app: string) => (error: { readonly _tag: string; readonly message: string }) => {
  switch (error._tag) {
    case "EngineSyncInactive":
      return new SyncPaymentRequired({ app })
    case "EngineBadRequest":
      return new SyncRejected({ app, status: 400, detail: error.message })
    default:
      return new SyncUnavailable({ app, reason: "server-error", status: 500 })
  }
}

/** A `SyncTransport` that calls the engine in-process. */
export const engineTransport = (engine: SyncEngineShape, options: EngineTransportOptions = {}): SyncTransport => {
  const userOf = (caller: CallerShape, app: string): Effect.Effect<string, SyncUnauthorized> => {
    if (options.verifyToken === undefined) return Effect.succeed(caller.principal.userId)
    return Option.match(options.verifyToken(Redacted.value(caller.token)), {
      onNone: () => Effect.fail(new SyncUnauthorized({ app })),
      onSome: Effect.succeed
    })
  }
  return {
    pull: ({ app, caller, clientId, since, table }) =>
      userOf(caller, app).pipe(
        Effect.flatMap((userId) =>
          engine.pull({ userId, appId: app, clientIdHeader: clientId, collection: table, since }).pipe(
            Effect.mapError(mapEngineError(app))
          )
        ),
        Effect.flatMap((response) => Effect.orDie(Schema.decodeUnknown(PullResponse)(response)))
      ),
    push: ({ app, body, caller, clientId }) =>
      (options.yieldBeforePush === true ? Effect.zipRight(Effect.yieldNow(), userOf(caller, app)) : userOf(caller, app))
        .pipe(
          Effect.flatMap((userId) =>
            engine.push({ userId, appId: app, clientIdHeader: clientId, body }).pipe(
              Effect.mapError(mapEngineError(app))
            )
          ),
          Effect.asVoid
        )
  }
}

/** SyncClient over the `SyncEngine` in context. */
const layer = (options: EngineTransportOptions = {}) =>
  Layer.effect(
    SyncClient,
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const client = yield* makeSyncClient(engineTransport(engine, options))
      return { read: client.read, readTrash: client.readTrash, push: client.push, exclusive: client.exclusive }
    })
  )

/**
 * Everything a handler test needs, fresh per provide: `SyncClient`, the `SyncEngine` behind it
 * (to seed other clients' changes or switch billing), deterministic `Ids` and an in-memory
 * `IdempotencyStore` (for create tools' idempotency keys).
 */
const layerTest = (
  options: Partial<EngineOptions> & EngineTransportOptions = {}
): Layer.Layer<SyncClient | SyncEngine | Ids | IdempotencyStore> =>
  layer(options).pipe(
    Layer.provideMerge(SyncEngine.layer({ memberships: () => Effect.succeed([]), ...options })),
    Layer.provideMerge(Ids.layerTest),
    Layer.provide(ReadCache.layerTest),
    Layer.merge(IdempotencyStore.layerMemory)
  )

export const SyncClientEngine = { layer, layerTest } as const
