/**
 * The persistent state of the dev mana-auth stand-in: its signing key, users (with hashed
 * passwords and vault state) and spaces (organizations with members), plus loading and saving
 * it as `<dataDir>/auth.json` so ids, spaces and keys survive a restart. Sessions and counters
 * are deliberately not persisted. Not responsible for HTTP or token handling.
 */
import { Effect, Option, Schema } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"

export const VaultState = Schema.Union(
  Schema.TaggedStruct("standard", { masterKey: Schema.String }),
  Schema.TaggedStruct("zero-knowledge", {
    recoveryWrappedMk: Schema.String,
    recoveryIv: Schema.String,
    recoverySetAt: Schema.String
  }),
  Schema.TaggedStruct("uninitialised", {})
)
export type VaultState = typeof VaultState.Type

export const DevUser = Schema.Struct({
  id: Schema.String,
  email: Schema.String,
  name: Schema.String,
  passwordHash: Schema.String,
  createdAt: Schema.String,
  vault: VaultState
})
export type DevUser = typeof DevUser.Type

export const MemberRole = Schema.Literal("owner", "admin", "member")
export type MemberRole = typeof MemberRole.Type

/** `metadata` keeps the wire form it was created with: object (signup), JSON string (create) or null. */
export const DevSpace = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  slug: Schema.String,
  createdAt: Schema.String,
  metadata: Schema.Union(Schema.Record({ key: Schema.String, value: Schema.Unknown }), Schema.String, Schema.Null),
  members: Schema.Array(
    Schema.Struct({ id: Schema.String, userId: Schema.String, role: MemberRole, createdAt: Schema.String })
  )
})
export type DevSpace = typeof DevSpace.Type

export const SigningKey = Schema.Struct({
  kid: Schema.String,
  privateJwk: Schema.Struct({
    kty: Schema.Literal("OKP"),
    crv: Schema.Literal("Ed25519"),
    x: Schema.String,
    d: Schema.String
  })
})
export type SigningKey = typeof SigningKey.Type

export const AuthData = Schema.Struct({
  version: Schema.Literal(1),
  signingKey: SigningKey,
  users: Schema.Array(DevUser),
  spaces: Schema.Array(DevSpace)
})
export type AuthData = typeof AuthData.Type

/** The dev data file exists but cannot be used; the operator has to fix or delete it. */
export class DevAuthDataError extends Schema.TaggedError<DevAuthDataError>()("DevAuthDataError", {
  path: Schema.String,
  detail: Schema.String
}) {
  override get message() {
    return `The dev mana-auth data file ${this.path} cannot be used (${this.detail}). Delete it to start with fresh dev users, or point MANA_DEV_DATA_DIR elsewhere.`
  }
}

const AuthDataJson = Schema.parseJson(AuthData)

export interface AuthFile {
  /** The saved state, or None when there is no data dir or no file yet. Fails on a corrupt file. */
  readonly load: Effect.Effect<Option.Option<AuthData>, DevAuthDataError>
  readonly save: (data: AuthData) => Effect.Effect<void>
}

const isMissingFile = (cause: unknown) => cause instanceof Error && "code" in cause && cause.code === "ENOENT"

export const authFile = (dataDir: Option.Option<string>): AuthFile =>
  Option.match(dataDir, {
    onNone: () => ({ load: Effect.succeed(Option.none()), save: () => Effect.void }),
    onSome: (dir) => {
      const path = Path.join(dir, "auth.json")
      const failure = (detail: string) => new DevAuthDataError({ path, detail })
      const load = Effect.tryPromise({ try: () => Fs.readFile(path, "utf8"), catch: (cause) => cause }).pipe(
        Effect.map(Option.some),
        Effect.catchIf(isMissingFile, () => Effect.succeed(Option.none<string>())),
        Effect.mapError((cause) =>
          failure(cause instanceof Error && "code" in cause ? String(cause.code) : "unreadable")
        ),
        Effect.flatMap(Option.match({
          onNone: () => Effect.succeed(Option.none<AuthData>()),
          onSome: (text) =>
            Schema.decodeUnknown(AuthDataJson)(text).pipe(
              Effect.map(Option.some),
              // Not the parse details: they could quote the file's signing key and password hashes.
              Effect.mapError(() => failure("not valid JSON, or not the shape this version writes"))
            )
        }))
      )
      // Write-then-rename, so a crash mid-write never leaves a half file that fails the next start.
      const save = (data: AuthData) =>
        Effect.tryPromise({
          try: async () => {
            await Fs.mkdir(dir, { recursive: true })
            const temporary = `${path}.tmp`
            await Fs.writeFile(temporary, JSON.stringify(Schema.encodeSync(AuthData)(data), null, 2), { mode: 0o600 })
            await Fs.rename(temporary, path)
          },
          catch: (cause) => failure(`cannot write: ${String(cause)}`)
        }).pipe(Effect.orDie)
      return { load, save }
    }
  })

/** A slug derived from `base` that no space uses yet. */
export const uniqueSlug = (data: AuthData, base: string): string => {
  const root = base.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "space"
  const taken = new Set(data.spaces.map((space) => space.slug))
  let candidate = root
  for (let n = 2; taken.has(candidate); n++) candidate = `${root}-${n}`
  return candidate
}

export const findUserByEmail = (data: AuthData, email: string): Option.Option<DevUser> =>
  Option.fromNullable(data.users.find((user) => user.email === email.trim().toLowerCase()))

export const findUser = (data: AuthData, userId: string): Option.Option<DevUser> =>
  Option.fromNullable(data.users.find((user) => user.id === userId))

export const spacesOfUser = (data: AuthData, userId: string): ReadonlyArray<DevSpace> =>
  data.spaces.filter((space) => space.members.some((member) => member.userId === userId))

export const personalSpaceOf = (data: AuthData, userId: string): Option.Option<DevSpace> =>
  Option.fromNullable(
    data.spaces.find((space) =>
      typeof space.metadata === "object" && space.metadata !== null && space.metadata["type"] === "personal" &&
      space.members.some((member) => member.userId === userId && member.role === "owner")
    )
  )
