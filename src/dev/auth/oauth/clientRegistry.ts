/**
 * The clients the dev authorization server knows: those registered through RFC 7591 dynamic
 * registration (in memory and bounded, see registeredClients.ts; a restart makes clients register
 * again, which the MCP SDK does by itself on `invalid_client`), and Client ID Metadata Documents —
 * a `client_id` that is an https URL (or an http URL on loopback, when private addresses are
 * allowed for development) whose JSON document names the client and its redirect URIs. At most
 * four documents are fetched at once, each bounded (clientDocumentFetch.ts); whatever goes wrong
 * with one, the caller learns only that no usable document was found. Not responsible for what a
 * client may do once known.
 */
import { type Clock, Data, Duration, Effect, Option, Schema } from "effect"
import { nanoid } from "../DevAuthIds.ts"
import { type DocumentFetchLimits, fetchClientDocument } from "./clientDocumentFetch.ts"
import {
  checkMetadata,
  ClientMetadata,
  MetadataDocument,
  type OAuthClient,
  RegistrationRejected
} from "./clientMetadata.ts"
import { makeRegisteredClients, registrationLimits } from "./registeredClients.ts"

export type { OAuthClient } from "./clientMetadata.ts"

/** The `client_id` names no usable client; the authorization server shows an error page. */
export class UnknownClient extends Data.TaggedError("UnknownClient")<{ readonly description: string }> {}

/** Too many registrations from one address; `retryAfter` in seconds. */
export class RegistrationThrottled extends Data.TaggedError("RegistrationThrottled")<{
  readonly retryAfter: number
}> {}

export interface ClientRegistryOptions {
  /** Fetch metadata documents from loopback and private addresses too (local development only). */
  readonly allowPrivateAddresses: boolean
  /** The whole fetch, DNS to last byte (default 5 s). */
  readonly documentTimeout?: Duration.Duration
}

const documentSizeLimit = 64 * 1024
const concurrentDocumentFetches = 4

/** The one answer for every metadata document problem: which one it was would map the network. */
const unusableDocument = new UnknownClient({
  description:
    "The client_id is a client metadata document URL, but no usable document was found there (it must be a JSON object of at most 64 KiB, served with HTTP 200 within 5 s from a public address, whose client_id is its own URL)."
})

/** A client_id that is a metadata document URL: https (or http, on loopback when allowed), with a path. */
const metadataDocumentUrl = (clientId: string, allowPrivate: boolean): Option.Option<URL> => {
  if (!URL.canParse(clientId)) return Option.none()
  const url = new URL(clientId)
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname)
  const schemeOk = url.protocol === "https:" || (url.protocol === "http:" && loopback && allowPrivate)
  return schemeOk && url.pathname !== "/" && url.hash === "" ? Option.some(url) : Option.none()
}

const registrationBodyProblem = new RegistrationRejected({
  error: "invalid_client_metadata",
  description: "The body must be a JSON object with redirect_uris (an array of URIs)"
})

export const makeClientRegistry = (options: ClientRegistryOptions & { readonly clock: Clock.Clock }) =>
  Effect.gen(function*() {
    const registered = yield* makeRegisteredClients(options.clock, registrationLimits)
    const fetchPermits = yield* Effect.makeSemaphore(concurrentDocumentFetches)
    const limits: DocumentFetchLimits = {
      maxBytes: documentSizeLimit,
      timeout: options.documentTimeout ?? Duration.seconds(5),
      allowPrivateAddresses: options.allowPrivateAddresses
    }

    /** RFC 7591 registration of a public client. Fails with `RegistrationRejected` or `RegistrationThrottled`. */
    const register = (body: unknown, address: string) =>
      Effect.gen(function*() {
        const metadata = yield* Schema.decodeUnknown(ClientMetadata)(body).pipe(
          Effect.mapError(() => registrationBodyProblem)
        )
        yield* checkMetadata(metadata)
        const throttled = yield* registered.admit(address)
        if (Option.isSome(throttled)) return yield* new RegistrationThrottled({ retryAfter: throttled.value })
        const client: OAuthClient = {
          clientId: `mana-client-${yield* nanoid}`,
          clientName: metadata.client_name?.trim() || "Unnamed MCP client",
          redirectUris: metadata.redirect_uris,
          kind: "registered"
        }
        yield* registered.add(client)
        return client
      })

    /** The client a metadata document describes; `unusableDocument` whatever went wrong. */
    const fromDocument = (clientId: string, url: URL) =>
      Effect.gen(function*() {
        // The deadline covers the wait for a permit too: a queue of slow documents cannot grow unbounded in time.
        const text = yield* fetchPermits.withPermits(1)(fetchClientDocument(url, limits)).pipe(
          Effect.timeoutFail({ duration: limits.timeout, onTimeout: () => unusableDocument }),
          Effect.tapError((error) =>
            Effect.logDebug(
              "client metadata document unavailable",
              error._tag === "DocumentUnavailable" ? error.reason : "timeout"
            )
          ),
          Effect.mapError(() => unusableDocument)
        )
        const document = yield* Schema.decodeUnknown(Schema.parseJson(MetadataDocument))(text).pipe(
          Effect.mapError(() => unusableDocument)
        )
        if (document.client_id !== clientId) return yield* unusableDocument
        yield* Effect.mapError(checkMetadata(document), () => unusableDocument)
        return {
          clientId,
          clientName: document.client_name?.trim() || url.host,
          redirectUris: document.redirect_uris,
          kind: "metadata-document"
        } satisfies OAuthClient
      })

    /** The client behind `clientId`: registered here, or described by its metadata document. */
    const find = (clientId: string): Effect.Effect<OAuthClient, UnknownClient> =>
      Effect.gen(function*() {
        const known = yield* registered.get(clientId)
        if (known !== undefined) return known
        const url = metadataDocumentUrl(clientId, options.allowPrivateAddresses)
        if (Option.isNone(url)) {
          return yield* new UnknownClient({
            description: `No client is registered as ${
              JSON.stringify(clientId.slice(0, 200))
            }; register it first, or use an https client metadata document URL as the client_id`
          })
        }
        return yield* fromDocument(clientId, url.value)
      })

    /**
     * Whether `/token` may serve `clientId` without fetching anything: registered here, or a
     * metadata document URL. After a restart a registered id is unknown, and `invalid_client`
     * tells the client to register again rather than send the user to an error page.
     */
    const isKnown = (clientId: string) =>
      Effect.map(
        registered.get(clientId),
        (client) => client !== undefined || Option.isSome(metadataDocumentUrl(clientId, options.allowPrivateAddresses))
      )

    return { register, find, isKnown, markUsed: registered.markUsed, registeredCount: registered.size }
  })

export type ClientRegistry = Effect.Effect.Success<ReturnType<typeof makeClientRegistry>>
