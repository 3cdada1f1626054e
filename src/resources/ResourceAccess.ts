/**
 * The resource operations as the SDK handlers need them (promises), over the Effect side: list
 * and read through the tools' invoke pipeline, and the 2025 sessions' subscriptions, one
 * `ResourceWatch` watcher per session `Server`. A subscription is accepted only for a resource
 * the caller can read right now (the same read as `resources/read`: scopes, policy, space,
 * zero-knowledge errors), and ends when the session's `Server` closes (DELETE, expiry, eviction,
 * hibernation, shutdown). Each request of the session refreshes the watcher's caller (`touch`), so
 * a refreshed token or a space switch applies to its notifications.
 */
import type { ListResourcesResult, ReadResourceResult, Server } from "@modelcontextprotocol/server"
import { Effect, Either, Runtime } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import { listResources } from "./listResources.ts"
import { readResource, type RunReadTool } from "./readResource.ts"
import { type ResourceFailure, toProtocolError } from "./ResourceErrors.ts"
import { ResourceWatch, type Watcher } from "./ResourceWatch.ts"

export interface ResourceAccess {
  readonly list: (caller: CallerShape, cursor: string | undefined) => Promise<ListResourcesResult>
  readonly read: (caller: CallerShape, uri: string) => Promise<ReadResourceResult>
  /** 2025 sessions: `resources/subscribe` on the session served by `server`. */
  readonly subscribe: (server: Server, sessionId: string, caller: CallerShape, uri: string) => Promise<void>
  readonly unsubscribe: (sessionId: string, uri: string) => Promise<void>
  /** 2025 sessions: after a `resources/list`, tell the session when the list changes (best effort, bounded). */
  readonly watchList: (server: Server, sessionId: string, caller: CallerShape) => Promise<void>
  /** The latest caller of a 2025 session's request (a cheap map lookup; no-op without subscriptions). */
  readonly touch: (sessionId: string, caller: CallerShape) => void
  /** The Effect-side operations, for the 2026-07-28 listen streams. */
  readonly run: RunReadTool
}

export const makeResourceAccess = (run: RunReadTool) =>
  Effect.gen(function*() {
    const watch = yield* ResourceWatch
    const runtime = yield* Effect.runtime<never>()
    const runEither = Runtime.runPromise(runtime)
    // Rejections are ProtocolErrors: the SDK sends them as the request's JSON-RPC error.
    const answer = <A>(effect: Effect.Effect<A, ResourceFailure>): Promise<A> =>
      runEither(Effect.either(effect)).then((result) =>
        Either.isLeft(result) ? Promise.reject(toProtocolError(result.left)) : result.right
      )

    const sessions = new Map<string, { readonly server: Server; readonly watcher: Promise<Watcher> }>()

    const watcherOf = (server: Server, sessionId: string, caller: CallerShape): Promise<Watcher> => {
      const existing = sessions.get(sessionId)
      if (existing !== undefined && existing.server === server) return existing.watcher
      // The session was rebuilt (woken, or after a race with its close): its old watcher goes.
      if (existing !== undefined) void forget(sessionId, existing.server)
      const sink = {
        updated: (uri: string) => void server.sendResourceUpdated({ uri }).catch(() => undefined),
        listChanged: () => void server.sendResourceListChanged().catch(() => undefined),
        ended: () => void forget(sessionId, server)
      }
      const watcher = runEither(watch.open(caller, sink))
      sessions.set(sessionId, { server, watcher })
      // The subscriptions end with the session's Server, whatever closes it.
      const previous = server.onclose
      server.onclose = () => {
        void forget(sessionId, server)
        previous?.()
      }
      return watcher
    }

    const forget = (sessionId: string, server: Server) => {
      const entry = sessions.get(sessionId)
      if (entry === undefined || entry.server !== server) return Promise.resolve()
      sessions.delete(sessionId)
      return entry.watcher.then((watcher) => runEither(watcher.close))
    }

    return {
      list: (caller, cursor) => answer(listResources(run, caller, cursor)),
      read: (caller, uri) => answer(readResource(run, caller, uri)),
      subscribe: (server, sessionId, caller, uri) =>
        answer(readResource(run, caller, uri)).then(() =>
          watcherOf(server, sessionId, caller).then((watcher) => answer(watcher.watch(uri)))
        ),
      unsubscribe: (sessionId, uri) => {
        const entry = sessions.get(sessionId)
        return entry === undefined
          ? Promise.resolve()
          : entry.watcher.then((watcher) => runEither(watcher.unwatch(uri)))
      },
      watchList: (server, sessionId, caller) =>
        watcherOf(server, sessionId, caller).then((watcher) => runEither(Effect.ignore(watcher.watchList))),
      touch: (sessionId, caller) => {
        const entry = sessions.get(sessionId)
        if (entry !== undefined) void entry.watcher.then((watcher) => watcher.setCaller(caller))
      },
      run
    } satisfies ResourceAccess
  })
