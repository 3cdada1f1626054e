/**
 * Test doubles around the master-key vault: a stubbed `HttpClient`
 * that answers the vault endpoint from a function and records every Authorization header it saw,
 * and the full `MasterKeys` layer wired to that stub (fresh state per provide). Also a fake
 * `MasterKeys` for tool tests that hands out a fixed key, or fails as a zero-knowledge user.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Context, Duration, Effect, Layer, Ref } from "effect"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import { defaultMasterKeysOptions, MasterKeys, type MasterKeysOptions } from "../../src/keys/MasterKeys.ts"
import { ZeroKnowledgeUserError } from "../../src/keys/VaultErrors.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { bytes, cryptoVectors } from "./cryptoVectors.ts"

/** Every Authorization header the stub vault received, in order. */
export class VaultRequests extends Context.Tag("test/VaultRequests")<VaultRequests, Ref.Ref<ReadonlyArray<string>>>() {}

export interface VaultReply {
  readonly status: number
  readonly body: unknown
}

/** The two shapes of a 200 from the vault, and the 404 of a user who never opened the web app. */
export const vaultReplies = {
  standard: (key = cryptoVectors.keys.k1): VaultReply => ({
    status: 200,
    body: { masterKey: key, formatVersion: 1, kekId: "env-v1" }
  }),
  zeroKnowledge: {
    status: 200,
    body: { requiresRecoveryCode: true, recoveryWrappedMk: "AAAA", recoveryIv: "AAAA", formatVersion: 1 }
  },
  notInitialised: { status: 404, body: { error: "vault not initialised", code: "VAULT_NOT_INITIALISED" } }
} as const

/** An HttpClient whose every request is answered by `reply(authorization header, request number)`. */
const stubClient = (reply: (authorization: string, index: number) => Effect.Effect<VaultReply>) =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(VaultRequests, (seen) =>
      HttpClient.make((request) =>
        Effect.gen(function*() {
          const authorization = request.headers["authorization"] ?? ""
          const index = (yield* Ref.getAndUpdate(seen, (all) => [...all, authorization])).length
          const { body, status } = yield* reply(authorization, index)
          const text = typeof body === "string" ? body : JSON.stringify(body)
          return HttpClientResponse.fromWeb(
            request,
            new Response(text, { status, headers: { "content-type": "application/json" } })
          )
        })
      ))
  )

/** MasterKeys against the stub vault; provide it per test so every test starts with a cold cache. */
export const masterKeysAgainst = (
  reply: (authorization: string, index: number) => Effect.Effect<VaultReply>,
  options: MasterKeysOptions = defaultMasterKeysOptions
) =>
  MasterKeys.layerWith(options).pipe(
    Layer.provideMerge(stubClient(reply)),
    Layer.provideMerge(Layer.effect(VaultRequests, Ref.make<ReadonlyArray<string>>([]))),
    Layer.provideMerge(Metrics.layer),
    Layer.provide(Crypto.layer),
    Layer.provide(ManaConfig.layerWith({ upstreamTimeout: Duration.seconds(10) })),
    Layer.provide(Layer.succeed(Upstreams, { authUrl: "http://auth.test", syncUrl: "http://sync.test", issuers: [] }))
  )

/** Tool tests: every caller gets fixture key `k1`, and every lookup is counted. */
export class KeyLookups extends Context.Tag("test/KeyLookups")<KeyLookups, Ref.Ref<number>>() {}

const fakeMasterKeys = (lookup: Effect.Effect<CryptoKey, ZeroKnowledgeUserError, Crypto>) =>
  Layer.effect(
    MasterKeys,
    Effect.gen(function*() {
      const lookups = yield* KeyLookups
      const crypto = yield* Crypto
      return {
        forCaller: () =>
          Effect.zipRight(Ref.update(lookups, (n) => n + 1), Effect.provideService(lookup, Crypto, crypto))
      }
    })
  ).pipe(Layer.provideMerge(Layer.effect(KeyLookups, Ref.make(0))))

export const fixedMasterKeys = fakeMasterKeys(
  Effect.flatMap(Crypto, (crypto) => Effect.orDie(crypto.importKey(bytes(cryptoVectors.keys.k1))))
)

export const zeroKnowledgeMasterKeys = fakeMasterKeys(Effect.fail(new ZeroKnowledgeUserError()))
