/**
 * MasterKeys: the caller's AES-256 master key from the mana-auth encryption vault
 * (`GET /api/v1/me/encryption-vault/key`, docs/upstreams.md §2.4), fetched with the caller's own JWT
 * and imported non-extractable. Keys are cached per user id for a short TTL driven by the Effect
 * Clock, bounded (least recently used evicted first), and single-flight: concurrent calls for a
 * cold user share one fetch. Failures are never cached. A 404 is reported, never answered with
 * `/init` (docs/security.md explains why). This file does no encryption itself (`Crypto.ts`).
 */
import { Clock, Context, Deferred, Duration, Effect, Either, Encoding, Exit, Layer, Option, Schema } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import { Metrics } from "../observability/Metrics.ts"
import { makeUpstreamCall } from "../upstream/upstreamCall.ts"
import { Crypto } from "./Crypto.ts"
import {
  type MasterKeyError,
  MasterKeyFetchError,
  VaultNotInitialisedError,
  ZeroKnowledgeUserError
} from "./VaultErrors.ts"

export interface MasterKeysShape {
  /**
   * The caller's master key, from cache or the vault. Fails with `ZeroKnowledgeUserError` when the
   * server holds no usable key, `VaultNotInitialisedError` on a 404, `MasterKeyFetchError` otherwise.
   */
  readonly forCaller: (caller: CallerShape) => Effect.Effect<CryptoKey, MasterKeyError>
}

export interface MasterKeysOptions {
  readonly ttl: Duration.DurationInput
  readonly capacity: number
}

export const defaultMasterKeysOptions: MasterKeysOptions = { ttl: Duration.minutes(5), capacity: 10_000 }

// Only the fields the gateway acts on; the zero-knowledge shape's wrapped key is never read.
const KeyBody = Schema.Struct({
  masterKey: Schema.optional(Schema.String),
  requiresRecoveryCode: Schema.optional(Schema.Boolean)
})
const NotFoundBody = Schema.Struct({ code: Schema.optional(Schema.String) })
const strictBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

interface Entry {
  readonly deferred: Deferred.Deferred<CryptoKey, MasterKeyError>
  /** Epoch millis; `Infinity` while the fetch is in flight. */
  readonly expiresAt: number
}

const makeFetch = Effect.gen(function*() {
  const call = yield* makeUpstreamCall("mana-auth")
  const crypto = yield* Crypto

  const keyBody = (caller: CallerShape) =>
    call<typeof KeyBody.Type, MasterKeyError>({
      span: "MasterKeys.fetch",
      method: "GET",
      path: "/api/v1/me/encryption-vault/key",
      token: caller.token,
      headers: { accept: "application/json" },
      unavailable: (reason) => new MasterKeyFetchError({ reason }),
      refused: (response) => {
        if (response.status === 401) {
          return Effect.succeed(new MasterKeyFetchError({ reason: "unauthorized", status: 401 }))
        }
        if (response.status !== 404) {
          return Effect.succeed(new MasterKeyFetchError({ reason: "http-status", status: response.status }))
        }
        return response.json.pipe(
          Effect.map(Schema.decodeUnknownOption(NotFoundBody)),
          Effect.orElseSucceed(() => Option.none()),
          Effect.map((body) =>
            Option.contains(Option.flatMap(body, (b) => Option.fromNullable(b.code)), "VAULT_NOT_INITIALISED")
              ? new VaultNotInitialisedError()
              : new MasterKeyFetchError({ reason: "http-status", status: 404 })
          )
        )
      },
      read: (response) =>
        response.status !== 200
          ? Effect.fail(new MasterKeyFetchError({ reason: "http-status", status: response.status }))
          : response.json.pipe(
            Effect.flatMap(Schema.decodeUnknown(KeyBody)),
            Effect.mapError(() => new MasterKeyFetchError({ reason: "invalid-response", status: 200 }))
          )
    })

  return (caller: CallerShape): Effect.Effect<CryptoKey, MasterKeyError> =>
    Effect.gen(function*() {
      const body = yield* keyBody(caller)
      if (body.requiresRecoveryCode === true || body.masterKey === undefined) return yield* new ZeroKnowledgeUserError()
      const invalid = new MasterKeyFetchError({ reason: "invalid-response", status: 200 })
      const raw = strictBase64.test(body.masterKey)
        ? Either.getRight(Encoding.decodeBase64(body.masterKey))
        : Option.none()
      if (Option.isNone(raw)) return yield* invalid
      return yield* Effect.mapError(crypto.importKey(raw.value), () => invalid)
    })
})

const make = (options: MasterKeysOptions) =>
  Effect.gen(function*() {
    const fetchKey = yield* makeFetch
    const metrics = yield* Metrics
    const scope = yield* Effect.scope
    const ttlMillis = Duration.toMillis(options.ttl)
    // Insertion order is recency order: a hit re-inserts its entry, eviction takes the first.
    const entries = new Map<string, Entry>()

    const evictOverflow = () => {
      for (const userId of entries.keys()) {
        if (entries.size <= options.capacity) return
        entries.delete(userId)
      }
    }

    // Runs in the layer's scope, not the caller's fiber: an interrupted caller must not strand
    // the other callers waiting on the same fetch.
    const settle = (caller: CallerShape, entry: Entry) =>
      Effect.exit(fetchKey(caller)).pipe(
        Effect.flatMap((exit) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const userId = caller.principal.userId
            if (entries.get(userId) === entry) {
              if (Exit.isSuccess(exit)) entries.set(userId, { deferred: entry.deferred, expiresAt: now + ttlMillis })
              else entries.delete(userId)
            }
            return Deferred.done(entry.deferred, exit)
          })
        ),
        Effect.onInterrupt(() => Deferred.interrupt(entry.deferred))
      )

    const forCaller = (caller: CallerShape): Effect.Effect<CryptoKey, MasterKeyError> =>
      Effect.gen(function*() {
        const userId = caller.principal.userId
        const now = yield* Clock.currentTimeMillis
        const fresh: Entry = { deferred: yield* Deferred.make<CryptoKey, MasterKeyError>(), expiresAt: Infinity }
        const found = entries.get(userId)
        entries.delete(userId)
        if (found !== undefined && now < found.expiresAt) {
          entries.set(userId, found)
          yield* metrics.masterKeyCache("hit")
          return yield* Deferred.await(found.deferred)
        }
        entries.set(userId, fresh)
        evictOverflow()
        yield* metrics.masterKeyCache("miss")
        yield* Effect.forkIn(settle(caller, fresh), scope)
        return yield* Deferred.await(fresh.deferred)
      })

    return { forCaller } satisfies MasterKeysShape
  })

export class MasterKeys extends Context.Tag("mana-mcp/MasterKeys")<MasterKeys, MasterKeysShape>() {
  /** Five-minute TTL, 10 000 users. Requires HttpClient, Upstreams, ManaConfig, Metrics and Crypto. */
  static readonly layer = Layer.scoped(MasterKeys, make(defaultMasterKeysOptions))
  /** The same service with other cache bounds (tests, tuning). */
  static readonly layerWith = (options: MasterKeysOptions) => Layer.scoped(MasterKeys, make(options))
}
