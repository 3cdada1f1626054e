/**
 * ConfirmationSigner: seals and checks the state a confirmation prompt carries between the
 * question and the user's answer (the 2026-07-28 `requestState`, echoed by the client; also used
 * on 2025 sessions, where the SDK's shim echoes it in process). The state is signed (HMAC-SHA256),
 * not encrypted, and holds no user content: the tool, the user, the space, a SHA-256 digest of
 * the decoded arguments and an expiry. Any instance with the same CONFIRMATION_SIGNING_KEY can
 * verify it; without one the key is random per process (fine for local mode or a single
 * instance; behind a load balancer a confirmation answered on another instance would fail).
 */
import { Clock, Context, Effect, Encoding, Layer, Option, Redacted, Schema } from "effect"
import { ManaConfig } from "../config/Config.ts"

/** What a confirmation is about; an answer counts only for the very same call. */
export interface ConfirmationClaim {
  readonly tool: string
  readonly userId: string
  readonly spaceId: string
  /** The decoded arguments (defaults applied). Only their digest is sealed. */
  readonly input: unknown
}

export const confirmationTtlMillis = 10 * 60_000

/** The echoed state is not one we minted for this call, or it expired. */
export class InvalidConfirmation extends Schema.TaggedError<InvalidConfirmation>()("InvalidConfirmation", {
  tool: Schema.String,
  reason: Schema.Literal("malformed", "signature", "expired", "mismatch")
}) {
  override get message() {
    return `The user's answer to the confirmation of ${this.tool} could not be accepted (${
      this.reason === "expired" ? "it expired" : "it does not belong to this call"
    }); nothing was changed. Call ${this.tool} again to ask the user anew.`
  }
}

export interface ConfirmationSignerShape {
  /** The opaque state for a prompt about `claim`, valid for ten minutes. */
  readonly mint: (claim: ConfirmationClaim) => Effect.Effect<string>
  /** Checks that `state` was minted for exactly `claim` and has not expired. Fails with `InvalidConfirmation`. */
  readonly verify: (state: string, claim: ConfirmationClaim) => Effect.Effect<void, InvalidConfirmation>
}

const Sealed = Schema.parseJson(Schema.Struct({
  t: Schema.String,
  u: Schema.String,
  s: Schema.String,
  a: Schema.String,
  e: Schema.Number
}))

const encoder = new TextEncoder()

const subtle = <A>(run: () => Promise<A>) => Effect.orDie(Effect.tryPromise(run))

const digestOf = (input: unknown) =>
  Effect.map(
    subtle(() => crypto.subtle.digest("SHA-256", encoder.encode(JSON.stringify(input) ?? "null"))),
    (bytes) => Encoding.encodeBase64Url(new Uint8Array(bytes))
  )

const make = (rawKey: Uint8Array) =>
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
            e: now + confirmationTtlMillis
          })
        )
        const mac = yield* subtle(() => crypto.subtle.sign("HMAC", key, encoder.encode(`v1.${body}`)))
        return `v1.${body}.${Encoding.encodeBase64Url(new Uint8Array(mac))}`
      })

    const verify: ConfirmationSignerShape["verify"] = (state, claim) =>
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
      })

    return { mint, verify } satisfies ConfirmationSignerShape
  })

export class ConfirmationSigner extends Context.Tag("mana-mcp/ConfirmationSigner")<
  ConfirmationSigner,
  ConfirmationSignerShape
>() {
  /** The key from CONFIRMATION_SIGNING_KEY, else random per process (with a warning outside local mode). */
  static readonly layer = Layer.effect(
    ConfirmationSigner,
    Effect.gen(function*() {
      const config = yield* ManaConfig
      const configured = Option.map(config.confirmationSigningKey, (secret) => encoder.encode(Redacted.value(secret)))
      if (Option.isNone(configured) && config.upstreams._tag === "Remote") {
        yield* Effect.logWarning(
          "CONFIRMATION_SIGNING_KEY is not set: confirmation prompts are signed with a random per-process key, so a 2026-07-28 client whose answer reaches another instance must confirm again; set the same key on every instance"
        )
      }
      return yield* make(Option.getOrElse(configured, () => crypto.getRandomValues(new Uint8Array(32))))
    })
  )

  /** A fixed key, for tests. */
  static readonly layerWithKey = (key: string) => Layer.effect(ConfirmationSigner, make(encoder.encode(key)))
}
