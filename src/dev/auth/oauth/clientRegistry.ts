/**
 * The clients the dev authorization server knows: those registered through RFC 7591 dynamic
 * registration (kept in memory, so a restart makes clients register again, which the MCP SDK
 * does by itself on `invalid_client`), and Client ID Metadata Documents — a `client_id` that is
 * an https URL (or a loopback http URL, this being local mode) whose JSON document names the
 * client and its redirect URIs. Not responsible for what a client may do once known.
 */
import { Data, Effect, Option, Ref, Schema } from "effect"
import { nanoid } from "../DevAuthIds.ts"
import { redirectUriProblem } from "./redirectUris.ts"

export interface OAuthClient {
  readonly clientId: string
  readonly clientName: string
  readonly redirectUris: ReadonlyArray<string>
  readonly kind: "registered" | "metadata-document"
}

/** RFC 7591 §3.2.2: `invalid_redirect_uri` or `invalid_client_metadata`, with what was wrong. */
export class RegistrationRejected extends Data.TaggedError("RegistrationRejected")<{
  readonly error: "invalid_redirect_uri" | "invalid_client_metadata"
  readonly description: string
}> {}

/** The `client_id` names no usable client; the authorization server shows an error page. */
export class UnknownClient extends Data.TaggedError("UnknownClient")<{ readonly description: string }> {}

const ClientMetadata = Schema.Struct({
  redirect_uris: Schema.Array(Schema.String),
  client_name: Schema.optional(Schema.String),
  token_endpoint_auth_method: Schema.optional(Schema.String),
  grant_types: Schema.optional(Schema.Array(Schema.String)),
  response_types: Schema.optional(Schema.Array(Schema.String)),
  scope: Schema.optional(Schema.String)
})
type ClientMetadata = typeof ClientMetadata.Type

const MetadataDocument = Schema.Struct({ client_id: Schema.String, ...ClientMetadata.fields })

const supportedGrants = ["authorization_code", "refresh_token"]
const documentSizeLimit = 64 * 1024

/** The redirect URIs, grants and auth method checked; the reason a client cannot be accepted otherwise. */
const checkMetadata = (metadata: ClientMetadata): Effect.Effect<void, RegistrationRejected> =>
  Effect.gen(function*() {
    const rejected = (error: RegistrationRejected["error"], description: string) =>
      Effect.fail(new RegistrationRejected({ error, description }))
    if (metadata.redirect_uris.length === 0) return yield* rejected("invalid_redirect_uri", "redirect_uris is empty")
    for (const uri of metadata.redirect_uris) {
      const problem = redirectUriProblem(uri)
      if (problem !== undefined) return yield* rejected("invalid_redirect_uri", problem)
    }
    const method = metadata.token_endpoint_auth_method ?? "none"
    if (method !== "none") {
      return yield* rejected(
        "invalid_client_metadata",
        `token_endpoint_auth_method "${method}" is not supported; this server registers public clients ("none") with PKCE`
      )
    }
    const grant = (metadata.grant_types ?? []).find((entry) => !supportedGrants.includes(entry))
    if (grant !== undefined) {
      return yield* rejected("invalid_client_metadata", `grant_type "${grant}" is not supported`)
    }
    const responseType = (metadata.response_types ?? []).find((entry) => entry !== "code")
    if (responseType !== undefined) {
      return yield* rejected("invalid_client_metadata", `response_type "${responseType}" is not supported`)
    }
  })

/** A client_id that is a metadata document URL: https, or http on loopback, with a path. */
const metadataDocumentUrl = (clientId: string): Option.Option<URL> => {
  if (!URL.canParse(clientId)) return Option.none()
  const url = new URL(clientId)
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname)
  const schemeOk = url.protocol === "https:" || (url.protocol === "http:" && loopback)
  return schemeOk && url.pathname !== "/" && url.hash === "" ? Option.some(url) : Option.none()
}

const fetchDocument = (url: URL) =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(url, {
        headers: { accept: "application/json" },
        redirect: "error",
        signal: AbortSignal.timeout(5_000)
      })
      if (!response.ok) throw new Error(`it answered HTTP ${response.status}`)
      const text = await response.text()
      if (text.length > documentSizeLimit) throw new Error("it is larger than 64 KiB")
      return text
    },
    catch: (cause) =>
      new UnknownClient({
        description: `The client metadata document at ${url.href} could not be fetched (${
          cause instanceof Error ? cause.message : "network error"
        })`
      })
  })

export const makeClientRegistry = Effect.gen(function*() {
  const registered = yield* Ref.make(new Map<string, OAuthClient>())

  /** RFC 7591 registration of a public client. Fails with `RegistrationRejected`. */
  const register = (body: unknown) =>
    Effect.gen(function*() {
      const metadata = yield* Schema.decodeUnknown(ClientMetadata)(body).pipe(
        Effect.mapError(() =>
          new RegistrationRejected({
            error: "invalid_client_metadata",
            description: "The body must be a JSON object with redirect_uris (an array of URIs)"
          })
        )
      )
      yield* checkMetadata(metadata)
      const clientId = `mana-client-${yield* nanoid}`
      const client: OAuthClient = {
        clientId,
        clientName: metadata.client_name?.trim() || "Unnamed MCP client",
        redirectUris: metadata.redirect_uris,
        kind: "registered"
      }
      yield* Ref.update(registered, (map) => new Map(map).set(clientId, client))
      return client
    })

  /** The client behind `clientId`: registered here, or described by its metadata document. */
  const find = (clientId: string): Effect.Effect<OAuthClient, UnknownClient> =>
    Effect.gen(function*() {
      const known = (yield* Ref.get(registered)).get(clientId)
      if (known !== undefined) return known
      const url = metadataDocumentUrl(clientId)
      if (Option.isNone(url)) {
        return yield* new UnknownClient({
          description: `No client is registered as ${
            JSON.stringify(clientId)
          }; register it first, or use an https client metadata document URL as the client_id`
        })
      }
      const text = yield* fetchDocument(url.value)
      const unusable = (why: string) =>
        new UnknownClient({ description: `The client metadata document at ${url.value.href} ${why}` })
      const document = yield* Schema.decodeUnknown(Schema.parseJson(MetadataDocument))(text).pipe(
        Effect.mapError(() => unusable("is not a JSON object with client_id and redirect_uris"))
      )
      if (document.client_id !== clientId) return yield* unusable("names another client_id")
      yield* checkMetadata(document).pipe(
        Effect.mapError((rejected) => unusable(`is unusable: ${rejected.description}`))
      )
      return {
        clientId,
        clientName: document.client_name?.trim() || url.value.host,
        redirectUris: document.redirect_uris,
        kind: "metadata-document"
      } satisfies OAuthClient
    })

  /**
   * Whether `/token` may serve `clientId` without fetching anything: registered here, or a
   * metadata document URL. After a restart a registered id is unknown, and `invalid_client`
   * tells the client to register again rather than send the user to an error page.
   */
  const isKnown = (clientId: string) =>
    Effect.map(Ref.get(registered), (map) => map.has(clientId) || Option.isSome(metadataDocumentUrl(clientId)))

  return { register, find, isKnown }
})

export type ClientRegistry = Effect.Effect.Success<typeof makeClientRegistry>
