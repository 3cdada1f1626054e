/**
 * Wiring for the encrypted tools' tests: the engine-backed SyncClient (fresh per provide), the
 * real Crypto, and a fake MasterKeys (fixed key `k1`, or zero-knowledge). Helpers read back the
 * raw stored changes from the engine and seed changes as another client; tools run with
 * `runTool.ts`.
 */
import { Duration, Effect, Layer, Schema } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import type { CallerShape } from "../../src/domain/Caller.ts"
import { Ids } from "../../src/domain/Ids.ts"
import { IdempotencyStore } from "../../src/idempotency/IdempotencyStore.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import { MasterKeys } from "../../src/keys/MasterKeys.ts"
import { ReadCache } from "../../src/sync/ReadCache.ts"
import { WriteFence } from "../../src/sync/WriteFence.ts"
import { fixedMasterKeys, zeroKnowledgeMasterKeys } from "./cryptoVault.ts"
import { bytes, cryptoVectors } from "./cryptoVectors.ts"
import { SyncClientEngine } from "./SyncClientEngine.ts"
import { aliceCaller } from "./users.ts"

export const toolLayer = (masterKeys: typeof fixedMasterKeys = fixedMasterKeys) =>
  Layer.mergeAll(SyncClientEngine.layerTest(), masterKeys.pipe(Layer.provideMerge(Crypto.layer)))

export const zeroKnowledgeToolLayer = toolLayer(zeroKnowledgeMasterKeys)

/**
 * `toolLayer` as production behaves between changes, for tests of memoised reads: a read reuses
 * the table's state (READ_FRESHNESS of an hour), so an unchanged table hands out the same records
 * array, and MasterKeys hands out one key object, as its cache does for its TTL.
 */
export const memoToolLayer = () =>
  Layer.mergeAll(
    SyncClientEngine.layer().pipe(
      Layer.provideMerge(SyncEngine.layer({ memberships: () => Effect.succeed([]) })),
      Layer.provideMerge(Ids.layerTest),
      Layer.provide(ReadCache.layerWith({ freshness: Duration.hours(1) }).pipe(Layer.provide(WriteFence.layerMemory)))
    ),
    Layer.effect(
      MasterKeys,
      Effect.map(
        Effect.flatMap(Crypto, (crypto) => Effect.orDie(crypto.importKey(bytes(cryptoVectors.keys.k1)))),
        (key) => ({ forCaller: () => Effect.succeed(key) })
      )
    ).pipe(Layer.provideMerge(Crypto.layer)),
    IdempotencyStore.layerMemory
  )

const StoredChange = Schema.Struct({
  id: Schema.String,
  op: Schema.String,
  data: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  fields: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.Struct({ value: Schema.Unknown, at: Schema.String }) })
  )
})

/** Every change stored for `app`/`table`, as mana-sync would emit them to a fresh reader. */
export const storedChanges = (app: string, table: string, caller: CallerShape = aliceCaller) =>
  Effect.gen(function*() {
    const engine = yield* SyncEngine
    const response = yield* Effect.orDie(engine.pull({
      userId: caller.principal.userId,
      appId: app,
      clientIdHeader: "test-inspector",
      collection: table,
      since: "1970-01-01T00:00:00.000Z"
    }))
    return yield* Effect.orDie(Schema.decodeUnknown(Schema.Array(StoredChange))(response.serverChanges))
  })

/** Pushes raw changes as the web app would (its own client id), e.g. an update before its insert. */
export const seedChanges = (
  app: string,
  changes: ReadonlyArray<Record<string, unknown>>,
  caller: CallerShape = aliceCaller
) =>
  Effect.flatMap(SyncEngine, (engine) =>
    Effect.orDie(engine.push({
      userId: caller.principal.userId,
      appId: app,
      clientIdHeader: "web-app",
      body: { clientId: "web-app", changes: changes.map((change) => ({ spaceId: caller.spaceId, ...change })) }
    })))

/** Inserts a record as the web app would (another client id), e.g. one encrypted with a foreign key. */
export const seedInsert = (
  app: string,
  table: string,
  id: string,
  data: Record<string, unknown>,
  caller: CallerShape = aliceCaller
) =>
  seedChanges(app, [{
    table,
    id,
    op: "insert",
    data: { id, spaceId: caller.spaceId, authorId: caller.principal.userId, visibility: "space", ...data }
  }], caller)
