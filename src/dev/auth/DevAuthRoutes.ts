/**
 * The HTTP surface of the dev mana-auth stand-in, in the real wire format (docs/upstreams.md §2):
 * register/login/refresh under `/api/v1/auth/*`, the JWKS at both paths, and Better Auth's
 * organization list/create/add-member accepting a bearer JWT. Vault routes are in
 * DevAuthVaultRoutes.ts. Every refusal is rendered in its route family's envelope; bad input is a
 * 400, never a 500.
 */
import { HttpRouter, type HttpServerResponse } from "@effect/platform"
import { Effect, Schema } from "effect"
import type { DevAuthCore } from "./DevAuthCore.ts"
import { bearerToken, betterAuthEnvelope, decodeBody, type DevAuthProblem, json, v1Envelope } from "./DevAuthHttp.ts"
import { type DevSpace, MemberRole } from "./DevAuthStore.ts"

const RegisterBody = Schema.Struct({
  email: Schema.String,
  password: Schema.String,
  name: Schema.optional(Schema.String),
  sourceAppUrl: Schema.optional(Schema.String),
  zeroKnowledge: Schema.optional(Schema.Boolean)
})
const LoginBody = Schema.Struct({ email: Schema.String, password: Schema.String })
const RefreshBody = Schema.Struct({ refreshToken: Schema.String })
const CreateOrganizationBody = Schema.Struct({
  name: Schema.Trim.pipe(Schema.minLength(1)),
  slug: Schema.optional(Schema.String.pipe(Schema.pattern(/^[a-z0-9-]+$/))),
  type: Schema.optional(Schema.Literal("brand", "club", "family", "team", "practice"))
})
const AddMemberBody = Schema.Struct({
  organizationId: Schema.String,
  email: Schema.String,
  role: Schema.optional(MemberRole)
})

const v1 = <R>(handler: Effect.Effect<HttpServerResponse.HttpServerResponse, DevAuthProblem, R>) =>
  Effect.catchTag(handler, "DevAuthProblem", (p) => Effect.succeed(v1Envelope(p)))
const betterAuth = <R>(handler: Effect.Effect<HttpServerResponse.HttpServerResponse, DevAuthProblem, R>) =>
  Effect.catchTag(handler, "DevAuthProblem", (p) => Effect.succeed(betterAuthEnvelope(p)))

/** The organization as Better Auth lists it (no per-organization role). */
export const organizationJson = (space: DevSpace) => ({
  id: space.id,
  name: space.name,
  slug: space.slug,
  logo: null,
  createdAt: space.createdAt,
  metadata: space.metadata
})

export const authRoutes = (core: DevAuthCore) => {
  const caller = Effect.flatMap(bearerToken, core.authenticate)
  const jwks = Effect.as(core.countJwksFetch, json(core.signer.jwks))

  const register = v1(Effect.gen(function*() {
    const body = yield* decodeBody(RegisterBody)
    const user = yield* core.register(body)
    return json({
      token: null,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        emailVerified: true,
        image: null,
        createdAt: user.createdAt,
        updatedAt: user.createdAt
      }
    })
  }))

  const login = v1(Effect.gen(function*() {
    const body = yield* decodeBody(LoginBody)
    const { accessToken, token, user } = yield* core.login(body.email, body.password)
    // `token`/`refreshToken` are the opaque session token; only `accessToken` is the JWT.
    return json({
      redirect: false,
      token,
      user: { id: user.id, email: user.email, name: user.name, emailVerified: true },
      accessToken,
      refreshToken: token
    })
  }))

  const refresh = v1(Effect.gen(function*() {
    const body = yield* decodeBody(RefreshBody)
    return json(yield* core.refresh(body.refreshToken))
  }))

  return HttpRouter.empty.pipe(
    HttpRouter.post("/api/v1/auth/register", register),
    HttpRouter.post("/api/v1/auth/login", login),
    HttpRouter.post("/api/v1/auth/refresh", refresh),
    HttpRouter.get("/api/auth/jwks", jwks),
    HttpRouter.get("/api/v1/auth/jwks", jwks),
    HttpRouter.get(
      "/api/auth/organization/list",
      betterAuth(Effect.gen(function*() {
        const user = yield* caller
        return json((yield* core.spacesOf(user.id)).map(organizationJson))
      }))
    ),
    HttpRouter.post(
      "/api/auth/organization/create",
      betterAuth(Effect.gen(function*() {
        const user = yield* caller
        const body = yield* decodeBody(CreateOrganizationBody)
        const space = yield* core.createSpace(user, body)
        return json({
          ...organizationJson(space),
          members: space.members.map((m) => ({ ...m, organizationId: space.id }))
        })
      }))
    ),
    HttpRouter.post(
      "/api/auth/organization/add-member",
      betterAuth(Effect.gen(function*() {
        const user = yield* caller
        const body = yield* decodeBody(AddMemberBody)
        return json(yield* core.addMember(user, body))
      }))
    )
  )
}
