/**
 * Wiring for the encrypted tools' tests: the engine-backed SyncClient (fresh per provide), the
 * real Crypto, and a fake MasterKeys (fixed key `k1`, or zero-knowledge). Helpers run a tool the
 * way the invoke pipeline does (decode arguments with defaults, provide the Caller, encode the
 * output), read back the raw stored changes from the engine, and seed changes as another client.
 */
import { Effect, Layer, Schema } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import type { CallerShape } from "../../src/domain/Caller.ts"
import { Caller } from "../../src/domain/Caller.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import type { Tool } from "../../src/tools/ToolSpec.ts"
import { callerFor, fixedMasterKeys, zeroKnowledgeMasterKeys } from "./cryptoVault.ts"
import { SyncClientEngine } from "./SyncClientEngine.ts"

export const alice = callerFor("3f0c1a2b-0000-4000-8000-00000000a11c", "space-alice")

export const toolLayer = (masterKeys: typeof fixedMasterKeys = fixedMasterKeys) =>
  Layer.mergeAll(SyncClientEngine.layerTest(), masterKeys.pipe(Layer.provideMerge(Crypto.layer)))

export const zeroKnowledgeToolLayer = toolLayer(zeroKnowledgeMasterKeys)

/** Decodes `args` as the registry would, runs the handler as `caller`, and decodes the encoded output with `output`. */
export const runTool = <R, A, I>(
  tool: Tool<R>,
  args: unknown,
  output: Schema.Schema<A, I>,
  caller: CallerShape = alice
) =>
  tool.decode(args).pipe(
    Effect.flatMap((call) => Effect.provideService(call.run, Caller, caller)),
    Effect.flatMap((encoded) => Effect.orDie(Schema.decodeUnknown(output)(encoded)))
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
export const storedChanges = (app: string, table: string, caller: CallerShape = alice) =>
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

/** Inserts a record as the web app would (another client id), e.g. one encrypted with a foreign key. */
export const seedInsert = (
  app: string,
  table: string,
  id: string,
  data: Record<string, unknown>,
  caller: CallerShape = alice
) =>
  Effect.flatMap(SyncEngine, (engine) =>
    Effect.orDie(engine.push({
      userId: caller.principal.userId,
      appId: app,
      clientIdHeader: "web-app",
      body: {
        clientId: "web-app",
        changes: [{
          table,
          id,
          op: "insert",
          spaceId: caller.spaceId,
          data: { id, spaceId: caller.spaceId, authorId: caller.principal.userId, visibility: "space", ...data }
        }]
      }
    })))
