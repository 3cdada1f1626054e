/**
 * `subscriptions/listen` (protocol 2026-07-28) for resources. The SDK's per-request handler serves
 * listen streams from one bus shared by every caller, which matches URIs only: any client listening
 * for `mana://notes/<id>` would hear of that note's changes, whoever owns it. So each listen stream
 * gets its own SDK handler (and bus): the SDK still does the protocol work (validation,
 * acknowledgement, honoured filter, keep-alives, graceful close), and only this stream's watcher
 * publishes on its bus. Before the stream opens, every requested URI is read as the caller (same
 * gate, space and zero-knowledge rules as `resources/read`) and counted against the user's bound;
 * a refusal is the listen request's JSON-RPC error. The watcher ends with the stream (the client
 * closes it, the token expires, or the gateway drains).
 */
import type { AuthInfo, McpHttpHandler, Server } from "@modelcontextprotocol/server"
import { createMcpHandler } from "@modelcontextprotocol/server"
import { Effect, Either, Runtime } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import { isRecord } from "../transport/http/jsonRpc.ts"
import { onBodyEnd } from "../transport/legacy/onBodyEnd.ts"
import { readResource, type RunReadTool } from "./readResource.ts"
import { type ResourceFailure, toProtocolError } from "./ResourceErrors.ts"
import { ResourceWatch, type Watcher } from "./ResourceWatch.ts"

interface ListenFilter {
  readonly resourceSubscriptions: ReadonlyArray<string>
  readonly resourcesListChanged: boolean
}

/** The resource part of a listen request's filter; malformed filters are left to the SDK to refuse. */
const resourceFilterOf = (body: unknown): ListenFilter | undefined => {
  const params = isRecord(body) ? body["params"] : undefined
  const filter = isRecord(params) ? params["notifications"] : undefined
  if (!isRecord(filter)) return undefined
  const uris = filter["resourceSubscriptions"]
  if (uris !== undefined && !(Array.isArray(uris) && uris.every((uri) => typeof uri === "string"))) return undefined
  return {
    resourceSubscriptions: uris === undefined ? [] : uris.filter((uri): uri is string => typeof uri === "string"),
    resourcesListChanged: filter["resourcesListChanged"] === true
  }
}

/**
 * A listen request that asks for resource notifications. Other filters (tools or prompts list
 * changes, which the gateway never sends) stay with the shared SDK handler.
 */
export const isResourceListen = (body: unknown): boolean => {
  if (!isRecord(body) || body["method"] !== "subscriptions/listen" || body["id"] === undefined) return false
  const filter = resourceFilterOf(body)
  return filter === undefined || filter.resourceSubscriptions.length > 0 || filter.resourcesListChanged
}

const refusal = (body: unknown, failure: ResourceFailure): Response => {
  const error = toProtocolError(failure)
  return Response.json({
    jsonrpc: "2.0",
    id: isRecord(body) ? body["id"] : null,
    error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) }
  })
}

export interface ListenStreams {
  readonly serve: (
    request: Request,
    parsedBody: unknown,
    authInfo: AuthInfo,
    caller: CallerShape
  ) => Effect.Effect<Response>
  /** Drain: every open stream ends gracefully (the SDK's empty listen result), watchers with them. */
  readonly closeAll: Effect.Effect<void>
  readonly openCount: () => number
}

export const makeListenStreams = (makeServer: () => Server, run: RunReadTool, maxRequestBodySize: number) =>
  Effect.gen(function*() {
    const watch = yield* ResourceWatch
    const runPromise = Runtime.runPromise(yield* Effect.runtime<never>())
    const open = new Set<McpHttpHandler>()

    /** Everything the filter asks for, watched, or the first refusal (the watcher is closed then). */
    const watchAll = (watcher: Watcher, caller: CallerShape, filter: ListenFilter) =>
      Effect.gen(function*() {
        for (const uri of filter.resourceSubscriptions) {
          yield* readResource(run, caller, uri)
          yield* watcher.watch(uri)
        }
        if (filter.resourcesListChanged) yield* watcher.watchList
      }).pipe(Effect.tapError(() => watcher.close))

    const serve = (request: Request, parsedBody: unknown, authInfo: AuthInfo, caller: CallerShape) =>
      Effect.gen(function*() {
        const filter = resourceFilterOf(parsedBody) ?? { resourceSubscriptions: [], resourcesListChanged: false }
        // One subscription per handler: its bus carries this stream's notifications only.
        const handler = createMcpHandler(() => makeServer(), {
          legacy: "reject",
          maxRequestBodySize,
          maxSubscriptions: 1
        })
        const watcher = yield* watch.open(caller, {
          updated: (uri) => handler.notify.resourceUpdated(uri),
          listChanged: () => handler.notify.resourcesChanged(),
          ended: () => void handler.close().catch(() => undefined)
        })
        const watched = yield* Effect.either(watchAll(watcher, caller, filter))
        if (Either.isLeft(watched)) {
          yield* Effect.promise(() => handler.close().catch(() => undefined))
          return refusal(parsedBody, watched.left)
        }
        const finish = () => {
          open.delete(handler)
          void runPromise(watcher.close)
          void handler.close().catch(() => undefined)
        }
        const response = yield* Effect.promise(() =>
          handler.fetch(request, { parsedBody, authInfo }).catch(() => new Response(null, { status: 500 }))
        )
        if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
          finish()
          return response
        }
        open.add(handler)
        return onBodyEnd(response, finish)
      })

    const closeAll = Effect.promise(() =>
      Promise.all([...open].map((handler) => handler.close().catch(() => undefined)))
    )

    return { serve, closeAll: Effect.asVoid(closeAll), openCount: () => open.size } satisfies ListenStreams
  })
