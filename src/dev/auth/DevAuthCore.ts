/**
 * The behaviour of the dev mana-auth stand-in, independent of HTTP: registering users (each with
 * a personal space and a vault), password login with sessions, access-token minting, spaces and
 * memberships, and vault state. State changes are serialized through one SynchronizedRef and
 * written to the data file before they become visible. Routes live in DevAuthRoutes.ts.
 */
import { type Clock, Duration, Effect, Option, Ref, SynchronizedRef } from "effect"
import { type DevAuthProblem, problem } from "./DevAuthHttp.ts"
import { nanoid, opaqueToken, randomBase64, uuid } from "./DevAuthIds.ts"
import type { Signer } from "./DevAuthKeys.ts"
import {
  type AuthData,
  type AuthFile,
  type DevSpace,
  type DevUser,
  findUser,
  findUserByEmail,
  type MemberRole,
  spacesOfUser,
  uniqueSlug,
  type VaultState
} from "./DevAuthStore.ts"
import { hashPassword, verifyPassword } from "./passwords.ts"

export type VaultMode = VaultState["_tag"]

export interface Session {
  readonly sid: string
  readonly userId: string
}

export interface RegisterInput {
  readonly email: string
  readonly password: string
  readonly name?: string | undefined
  readonly zeroKnowledge?: boolean | undefined
}

/** Login access tokens live 15 minutes, like the real service's. */
export const loginTokenTtl = Duration.seconds(900)

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export const makeCore = (options: {
  readonly state: SynchronizedRef.SynchronizedRef<AuthData>
  readonly file: AuthFile
  readonly signer: Signer
  readonly clock: Clock.Clock
}) =>
  Effect.gen(function*() {
    const { clock, file, signer, state } = options
    const sessions = yield* Ref.make(new Map<string, Session>())
    const vaultCounts = yield* Ref.make(new Map<string, number>())
    const jwksCount = yield* Ref.make(0)
    const nowIso = Effect.map(clock.currentTimeMillis, (millis) => new Date(millis).toISOString())

    /** Applies `f` to the state and saves the result; a failing `f` changes nothing. */
    const mutate = <A>(f: (data: AuthData) => Effect.Effect<readonly [A, AuthData], DevAuthProblem>) =>
      SynchronizedRef.modifyEffect(state, (data) =>
        Effect.flatMap(f(data), ([result, next]) => Effect.as(file.save(next), [result, next] as const)))

    const newVault = (mode: VaultMode): Effect.Effect<VaultState> =>
      mode === "standard"
        ? Effect.map(randomBase64(32), (masterKey) => ({ _tag: "standard", masterKey }))
        : mode === "zero-knowledge"
        ? Effect.all({ recoveryWrappedMk: randomBase64(48), recoveryIv: randomBase64(12), recoverySetAt: nowIso }).pipe(
          Effect.map((fields) => ({ _tag: "zero-knowledge", ...fields }))
        )
        : Effect.succeed({ _tag: "uninitialised" })

    const register = (input: RegisterInput) =>
      Effect.gen(function*() {
        const email = input.email.trim().toLowerCase()
        if (!emailPattern.test(email)) {
          return yield* problem(400, "VALIDATION", `"${input.email}" is not an email address`)
        }
        if (input.password.length < 8 || input.password.length > 128) {
          return yield* problem(400, "WEAK_PASSWORD", "The password must be 8 to 128 characters long")
        }
        const passwordHash = yield* hashPassword(input.password)
        const vault = yield* newVault(input.zeroKnowledge === true ? "zero-knowledge" : "standard")
        const [id, spaceId, memberId, createdAt] = yield* Effect.all([uuid, nanoid, nanoid, nowIso])
        const localPart = email.split("@")[0] ?? email
        const name = input.name?.trim() || localPart
        return yield* mutate((data) => {
          if (Option.isSome(findUserByEmail(data, email))) {
            return problem(409, "EMAIL_ALREADY_REGISTERED", `An account for ${email} already exists`)
          }
          const user: DevUser = { id, email, name, passwordHash, createdAt, vault }
          const space: DevSpace = {
            id: spaceId,
            name,
            slug: uniqueSlug(data, localPart),
            createdAt,
            metadata: { type: "personal", tier: "public" },
            members: [{ id: memberId, userId: id, role: "owner", createdAt }]
          }
          return Effect.succeed(
            [user, { ...data, users: [...data.users, user], spaces: [...data.spaces, space] }] as const
          )
        })
      })

    const startSession = (user: DevUser, ttl: Duration.Duration) =>
      Effect.gen(function*() {
        const [token, sid] = yield* Effect.all([opaqueToken, uuid])
        yield* Ref.update(sessions, (map) =>
          new Map(map).set(token, { sid, userId: user.id }))
        const accessToken = yield* signer.sign({ sub: user.id, email: user.email, sid }, ttl)
        return { token, accessToken }
      })

    const invalidCredentials = problem(401, "INVALID_CREDENTIALS", "Invalid credentials")

    /** The user with this email and password, or a 401 `INVALID_CREDENTIALS` problem. */
    const verifyCredentials = (email: string, password: string) =>
      Effect.gen(function*() {
        const user = yield* Effect.flatMap(SynchronizedRef.get(state), (data) => findUserByEmail(data, email)).pipe(
          Effect.orElseFail(() => invalidCredentials)
        )
        if (!(yield* verifyPassword(password, user.passwordHash))) return yield* invalidCredentials
        return user
      })

    const login = (email: string, password: string) =>
      Effect.gen(function*() {
        const user = yield* verifyCredentials(email, password)
        return { user, ...(yield* startSession(user, loginTokenTtl)) }
      })

    const refresh = (refreshToken: string) =>
      Effect.gen(function*() {
        const session = Option.fromNullable((yield* Ref.get(sessions)).get(refreshToken))
        const user = yield* Effect.flatMap(SynchronizedRef.get(state), (data) =>
          Option.flatMap(session, (s) => findUser(data, s.userId))).pipe(
            Effect.orElseFail(() =>
              problem(401, "UNAUTHORIZED", "Unknown or expired refresh token; log in again")
            )
          )
        const sid = Option.match(session, { onNone: () => "", onSome: (s) => s.sid })
        const accessToken = yield* signer.sign({ sub: user.id, email: user.email, sid }, loginTokenTtl)
        return { accessToken, refreshToken }
      })

    /** The user behind a bearer JWT (signature, `iss`, `aud`, expiry checked), or a 401 problem. */
    const authenticate = (token: Option.Option<string>) =>
      Effect.gen(function*() {
        if (Option.isNone(token)) return yield* problem(401, "UNAUTHORIZED", "Missing or invalid Authorization header")
        const payload = yield* signer.verify(token.value)
        const data = yield* SynchronizedRef.get(state)
        return yield* Option.flatMap(payload, (claims) => findUser(data, claims.sub ?? "")).pipe(
          Effect.orElseFail(() => problem(401, "UNAUTHORIZED", "Invalid or expired token"))
        )
      })

    const createSpace = (
      owner: DevUser,
      input: { name: string; slug?: string | undefined; type?: string | undefined }
    ) =>
      Effect.gen(function*() {
        const [id, memberId, createdAt] = yield* Effect.all([nanoid, nanoid, nowIso])
        return yield* mutate((data) => {
          if (input.slug !== undefined && data.spaces.some((space) => space.slug === input.slug)) {
            return problem(400, "ORGANIZATION_ALREADY_EXISTS", `The slug "${input.slug}" is taken`)
          }
          const space: DevSpace = {
            id,
            name: input.name,
            slug: input.slug ?? uniqueSlug(data, input.name),
            createdAt,
            // Better Auth's create API hands metadata back as a JSON string; keep that quirk.
            metadata: JSON.stringify({ type: input.type ?? "team" }),
            members: [{ id: memberId, userId: owner.id, role: "owner", createdAt }]
          }
          return Effect.succeed([space, { ...data, spaces: [...data.spaces, space] }] as const)
        })
      })

    const addMember = (
      caller: DevUser,
      input: { organizationId: string; email: string; role?: MemberRole | undefined }
    ) =>
      Effect.gen(function*() {
        const [memberId, createdAt] = yield* Effect.all([nanoid, nowIso])
        return yield* mutate((data) => {
          const space = data.spaces.find((s) => s.id === input.organizationId)
          if (space === undefined) {
            return problem(404, "ORGANIZATION_NOT_FOUND", `No organization ${input.organizationId}`)
          }
          if (
            !space.members.some((m) => m.userId === caller.id && m.role === "owner")
          ) {
            return problem(403, "FORBIDDEN", "Only an owner of the organization can add members")
          }
          const invitee = findUserByEmail(data, input.email)
          if (Option.isNone(invitee)) return problem(404, "USER_NOT_FOUND", `No user with email ${input.email}`)
          if (space.members.some((m) => m.userId === invitee.value.id)) {
            return problem(400, "ALREADY_A_MEMBER", `${input.email} is already a member`)
          }
          const member = { id: memberId, userId: invitee.value.id, role: input.role ?? "member", createdAt }
          const spaces = data.spaces.map((s) => s.id === space.id ? { ...s, members: [...s.members, member] } : s)
          return Effect.succeed([{ ...member, organizationId: space.id }, { ...data, spaces }] as const)
        })
      })

    /** Sets the vault to `mode`; keeps an existing key or wrap when the mode does not change. */
    const setVault = (userId: string, mode: VaultMode) =>
      Effect.gen(function*() {
        const fresh = yield* newVault(mode)
        return yield* mutate((data) =>
          Option.match(findUser(data, userId), {
            onNone: () => problem(404, "NOT_FOUND", `No user ${userId}`),
            onSome: (user) => {
              const vault = user.vault._tag === mode ? user.vault : fresh
              const users = data.users.map((u) => u.id === userId ? { ...u, vault } : u)
              return Effect.succeed([vault, { ...data, users }] as const)
            }
          })
        )
      })

    return {
      register,
      verifyCredentials,
      login,
      refresh,
      authenticate,
      startSession,
      createSpace,
      addMember,
      setVault,
      snapshot: SynchronizedRef.get(state),
      spacesOf: (userId: string) => Effect.map(SynchronizedRef.get(state), (data) => spacesOfUser(data, userId)),
      countVaultFetch: (userId: string) =>
        Ref.update(vaultCounts, (map) => new Map(map).set(userId, (map.get(userId) ?? 0) + 1)),
      vaultFetches: (userId: string) => Effect.map(Ref.get(vaultCounts), (map) => map.get(userId) ?? 0),
      allVaultFetches: Effect.map(Ref.get(vaultCounts), (map) => Object.fromEntries(map)),
      countJwksFetch: Ref.update(jwksCount, (n) => n + 1),
      jwksFetches: Ref.get(jwksCount),
      signer
    }
  })

export type DevAuthCore = Effect.Effect.Success<ReturnType<typeof makeCore>>
