/**
 * SyncTransport: the only part of a SyncClient that differs between production and tests — how
 * one pull page is fetched and one push body delivered. Implemented over HTTP
 * (`SyncClientHttp.ts`) and directly over the dev engine (`SyncClientEngine.ts`). Pagination,
 * folding, caching, stamping and the push retry are shared (`makeSyncClient.ts`); transports
 * map failures to `SyncError`s, and the HTTP one retries its idempotent pulls.
 */
import type { Effect } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import type { SyncError } from "./SyncErrors.ts"
import type { PullResponse } from "./SyncWire.ts"

export interface PullPageRequest {
  readonly caller: CallerShape
  readonly app: string
  readonly table: string
  readonly since: string
  /** Sent as `X-Client-Id`: the reader id, which never writes, so no own write is suppressed. */
  readonly clientId: string
}

export interface PushBody {
  readonly clientId: string
  readonly since: string
  readonly schemaVersion: number
  readonly changes: ReadonlyArray<Readonly<Record<string, unknown>>>
}

export interface PushRequest {
  readonly caller: CallerShape
  readonly app: string
  /** Sent as `X-Client-Id` (and as `body.clientId`): the writer id. */
  readonly clientId: string
  /** The body as sent; `unknown` so contract tests can send malformed changes. */
  readonly body: unknown
}

export interface SyncTransport {
  /** One page of `GET /sync/{app}/pull`. */
  readonly pull: (request: PullPageRequest) => Effect.Effect<PullResponse, SyncError>
  /** `POST /sync/{app}`; the response's server delta is ignored (docs/upstreams.md §3.3). */
  readonly push: (request: PushRequest) => Effect.Effect<void, SyncError>
}
