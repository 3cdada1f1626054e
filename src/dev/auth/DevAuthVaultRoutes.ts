/**
 * The dev mana-auth encryption vault (`/api/v1/me/encryption-vault/*`, docs/upstreams.md §2.4) with
 * all outcomes: standard key, zero-knowledge recovery wrap, not initialised, 401. Also the
 * internal memberships endpoint mana-sync uses and `GET /dev/stats`, which exposes fetch counters
 * so end-to-end tests can prove the gateway caches keys. Not responsible for key escrow crypto.
 */
import { HttpRouter, HttpServerRequest, type HttpServerResponse } from "@effect/platform"
import { Effect, Schema } from "effect"
import type { DevAuthCore } from "./DevAuthCore.ts"
import { bearerToken, type DevAuthProblem, json, meEnvelope, problem } from "./DevAuthHttp.ts"
import type { VaultState } from "./DevAuthStore.ts"

const me = <R>(handler: Effect.Effect<HttpServerResponse.HttpServerResponse, DevAuthProblem, R>) =>
  Effect.catchTag(handler, "DevAuthProblem", (p) => Effect.succeed(meEnvelope(p)))

/** The `/key` and `/init` body for a vault state; the zero-knowledge shape has no `masterKey`. */
const keyResponse = (vault: VaultState) => {
  switch (vault._tag) {
    case "standard":
      return json({ masterKey: vault.masterKey, formatVersion: 1, kekId: "env-v1" })
    case "zero-knowledge":
      return json({
        requiresRecoveryCode: true,
        recoveryWrappedMk: vault.recoveryWrappedMk,
        recoveryIv: vault.recoveryIv,
        formatVersion: 1
      })
    case "uninitialised":
      return json({ error: "vault not initialised", code: "VAULT_NOT_INITIALISED" }, 404)
  }
}

const UserIdParams = Schema.Struct({ userId: Schema.String })

export const vaultRoutes = (core: DevAuthCore) => {
  const caller = Effect.flatMap(bearerToken, core.authenticate)

  return HttpRouter.empty.pipe(
    HttpRouter.get(
      "/api/v1/me/encryption-vault/key",
      me(Effect.gen(function*() {
        const user = yield* caller
        yield* core.countVaultFetch(user.id)
        return keyResponse(user.vault)
      }))
    ),
    HttpRouter.post(
      "/api/v1/me/encryption-vault/init",
      me(Effect.gen(function*() {
        const user = yield* caller
        // Idempotent like the real route: only an uninitialised vault gets a new key.
        const vault = user.vault._tag === "uninitialised" ? yield* core.setVault(user.id, "standard") : user.vault
        return keyResponse(vault)
      }))
    ),
    HttpRouter.get(
      "/api/v1/me/encryption-vault/status",
      me(Effect.gen(function*() {
        const { vault } = yield* caller
        return json({
          vaultExists: vault._tag !== "uninitialised",
          hasRecoveryWrap: vault._tag === "zero-knowledge",
          zeroKnowledge: vault._tag === "zero-knowledge",
          recoverySetAt: vault._tag === "zero-knowledge" ? vault.recoverySetAt : null
        })
      }))
    ),
    HttpRouter.get(
      "/api/v1/internal/users/:userId/memberships",
      me(Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        if (request.headers["x-service-key"] === undefined) {
          return yield* problem(401, "UNAUTHORIZED", "Missing X-Service-Key")
        }
        const { userId } = yield* HttpRouter.schemaPathParams(UserIdParams).pipe(
          Effect.orElseFail(() => problem(400, "VALIDATION", "Missing user id"))
        )
        const spaces = yield* core.spacesOf(userId)
        const memberships = spaces.flatMap((space) =>
          space.members.filter((m) => m.userId === userId).map((m) => ({ organizationId: space.id, role: m.role }))
        )
        return json({ userId, memberships })
      }))
    ),
    HttpRouter.get(
      "/dev/stats",
      Effect.gen(function*() {
        return json({ vaultFetches: yield* core.allVaultFetches, jwksFetches: yield* core.jwksFetches })
      })
    )
  )
}
