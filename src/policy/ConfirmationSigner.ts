/**
 * ConfirmationSigner: seals and checks the state a confirmation prompt carries between the
 * question and the user's answer (the 2026-07-28 `requestState`, echoed by the client; also used
 * on 2025 sessions, where the SDK's shim echoes it in process). The state is signed (HMAC-SHA256),
 * not encrypted, and holds no user content: the tool, the user, the space, a SHA-256 digest of
 * the decoded arguments, a random nonce and an expiry. Any instance with the same
 * CONFIRMATION_SIGNING_KEY can verify it; without one the key is random per process (fine for
 * local mode or a single instance; behind a load balancer a confirmation answered on another
 * instance would fail). A state is redeemed once: the `ConfirmationLedger` remembers used ones
 * until they expire (in Redis with `STATE_STORE=redis`), so an answer cannot be replayed.
 */
import { Clock, Context, Effect, Encoding, Layer, Option, Redacted, Schema } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { RedisConnection } from "../state/RedisConnection.ts"
import { makeConfirmationLedgerMemory } from "./ConfirmationLedger.ts"
import { makeConfirmationLedgerRedis } from "./confirmationLedgerRedis.ts"
import type { ConfirmationLedgerShape } from "./ConfirmationLedgerShape.ts"

/** What a confirmation is about; an answer counts only for the very same call. */
export interface ConfirmationClaim {
  readonly tool: string
  readonly userId: string
  readonly spaceId: string
  /** The decoded arguments (defaults applied). Only their digest is sealed. */
  readonly input: unknown
}

export const confirmationTtlMillis = 10 * 60_000

/** The echoed state is not one we minted for this call, expired, was used already, or its use could not be checked. */
export class InvalidConfirmation extends Schema.TaggedError<InvalidConfirmation>()("InvalidConfirmation", {
  tool: Schema.String,
  reason: Schema.Literal("malformed", "signature", "expired", "mismatch", "used", "unavailable")
}) {
  override get message() {
    return `The user's answer to the confirmation of ${this.tool} could not be accepted (${
      reasonText[this.reason]
    }); nothing was changed. Call ${this.tool} again to ask the user anew.`
  }
}

const reasonText: Record<InvalidConfirmation["reason"], string> = {
  malformed: "it does not belong to this call",
  signature: "it does not belong to this call",
  mismatch: "it does not belong to this call",
  expired: "it expired",
  used: "it was already used: each answer confirms one call, once",
  unavailable: "whether it was already used cannot be checked right now (the shared store is unreachable)"
}

export interface ConfirmationSignerShape {
  /** The opaque state for a prompt about `claim`, valid for ten minutes. */
  readonly mint: (claim: ConfirmationClaim) => Effect.Effect<string>
  /**
   * Checks that `state` was minted for exactly `claim`, has not expired and was not redeemed
   * before, and uses it up. Fails with `InvalidConfirmation`; a state that fails the checks is not
   * used up (only an answer about this very call counts).
   */
  readonly redeem: (state: string, claim: ConfirmationClaim) => Effect.Effect<void, InvalidConfirmation>
}

const Sealed = Schema.parseJson(Schema.Struct({
  t: Schema.String,
  u: Schema.String,
  s: Schema.String,
  a: Schema.String,
  e: Schema.Number,
  /** A nonce, so two prompts about one call are two states (optional: states minted before it). */
  n: Schema.optional(Schema.String)
}))

const encoder = new TextEncoder()

const subtle = <A>(run: () => Promise<A>) => Effect.orDie(Effect.tryPromise(run))

const digestOf = (input: unknown) =>
  Effect.map(
    subtle(() => crypto.subtle.digest("SHA-256", encoder.encode(JSON.stringify(input) ?? "null"))),
    (bytes) => Encoding.encodeBase64Url(new Uint8Array(bytes))
  )

const make = (rawKey: Uint8Array, ledger: ConfirmationLedgerShape) =>
  Effect.gen(function*() {
    const key = yield* subtle(() =>
      crypto.subtle.importKey("raw", Uint8Array.from(rawKey), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify"
      ])
    )
    const mint: ConfirmationSignerShape["mint"] = (claim) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const body = Encoding.encodeBase64Url(
          Schema.encodeSync(Sealed)({
            t: claim.tool,
            u: claim.userId,
            s: claim.spaceId,
            a: yield* digestOf(claim.input),
            e: now + confirmationTtlMillis,
            n: Encoding.encodeBase64Url(crypto.getRandomValues(new Uint8Array(9)))
          })
        )
        const mac = yield* subtle(() => crypto.subtle.sign("HMAC", key, encoder.encode(`v1.${body}`)))
        return `v1.${body}.${Encoding.encodeBase64Url(new Uint8Array(mac))}`
      })

    const redeem: ConfirmationSignerShape["redeem"] = (state, claim) =>
      Effect.gen(function*() {
        const fail = (reason: InvalidConfirmation["reason"]) => new InvalidConfirmation({ tool: claim.tool, reason })
        const [version, body, mac, ...rest] = state.split(".")
        if (version !== "v1" || body === undefined || mac === undefined || rest.length > 0) {
          return yield* fail("malformed")
        }
        const macBytes = yield* Effect.mapError(Encoding.decodeBase64Url(mac), () => fail("malformed"))
        // Web Crypto's verify compares in constant time.
        const valid = yield* subtle(() =>
          crypto.subtle.verify("HMAC", key, Uint8Array.from(macBytes), encoder.encode(`v1.${body}`))
        )
        if (!valid) return yield* fail("signature")
        const json = yield* Effect.mapError(Encoding.decodeBase64UrlString(body), () => fail("malformed"))
        const sealed = yield* Effect.mapError(Schema.decodeUnknown(Sealed)(json), () => fail("malformed"))
        if (sealed.e <= (yield* Clock.currentTimeMillis)) return yield* fail("expired")
        const digest = yield* digestOf(claim.input)
        if (sealed.t !== claim.tool || sealed.u !== claim.userId || sealed.s !== claim.spaceId || sealed.a !== digest) {
          return yield* fail("mismatch")
        }
        // The MAC names the state uniquely (the nonce is under it) and says nothing about the call.
        const first = yield* ledger.use(mac, sealed.e).pipe(Effect.mapError(() => fail("unavailable")))
        if (!first) return yield* fail("used")
      })

    return { mint, redeem } satisfies ConfirmationSignerShape
  })

const configuredKey = Effect.gen(function*() {
  const config = yield* ManaConfig
  const configured = Option.map(config.confirmationSigningKey, (secret) => encoder.encode(Redacted.value(secret)))
  if (Option.isNone(configured) && config.upstreams._tag === "Remote") {
    yield* Effect.logWarning(
      "CONFIRMATION_SIGNING_KEY is not set: confirmation prompts are signed with a random per-process key, so a 2026-07-28 client whose answer reaches another instance must confirm again; set the same key on every instance"
    )
  }
  return Option.getOrElse(configured, () => crypto.getRandomValues(new Uint8Array(32)))
})

export class ConfirmationSigner extends Context.Tag("mana-mcp/ConfirmationSigner")<
  ConfirmationSigner,
  ConfirmationSignerShape
>() {
  /**
   * The key from CONFIRMATION_SIGNING_KEY, else random per process (with a warning outside local
   * mode); used states remembered in this process (`STATE_STORE=memory`).
   */
  static readonly layer = Layer.effect(
    ConfirmationSigner,
    Effect.flatMap(configuredKey, (key) => make(key, makeConfirmationLedgerMemory()))
  )

  /** As `layer`, with used states remembered in Redis (`STATE_STORE=redis`); needs RedisConnection. */
  static readonly layerRedis = Layer.effect(
    ConfirmationSigner,
    Effect.gen(function*() {
      const ledger = makeConfirmationLedgerRedis(yield* RedisConnection)
      return yield* make(yield* configuredKey, ledger)
    })
  )

  /** A fixed key and a ledger in memory, for tests. */
  static readonly layerWithKey = (key: string, ledger: ConfirmationLedgerShape = makeConfirmationLedgerMemory()) =>
    Layer.effect(ConfirmationSigner, make(encoder.encode(key), ledger))
}
