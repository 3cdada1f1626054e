/**
 * The SyncClient contract against the engine-backed test layer (no HTTP). Tokens `good:<sub>`
 * verify; anything else is a 401, mirroring the JWT check of the HTTP run.
 */
import { describe } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import { Ids } from "../../src/domain/Ids.ts"
import { ReadCache } from "../../src/sync/ReadCache.ts"
import { engineTransport, SyncClientEngine } from "../support/SyncClientEngine.ts"
import { callerFor, memberships } from "../support/users.ts"
import { Harness, syncContract } from "./syncContract.ts"

const verifyToken = (token: string) => (token.startsWith("good:") ? Option.some(token.slice(5)) : Option.none())

const harness = Layer.effect(
  Harness,
  Effect.map(SyncEngine, (engine) => {
    const transport = engineTransport(engine, { verifyToken })
    return {
      caller: (userId: string, spaceId: string) => Effect.succeed(callerFor(userId, spaceId)),
      badCaller: (userId: string, spaceId: string) => callerFor(userId, spaceId, "expired"),
      setPaid: engine.setPaid,
      rawPush: (caller, app, body) => transport.push({ caller, app, clientId: "web-app", body })
    }
  })
)

const setup = Layer.merge(SyncClientEngine.layer({ verifyToken }), harness).pipe(
  Layer.provide(SyncEngine.layer({ memberships })),
  Layer.provide(Layer.merge(ReadCache.layerTest, Ids.layerTest))
)

describe("SyncClient contract (engine)", () => {
  syncContract("engine", setup)
})
