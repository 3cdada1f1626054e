/**
 * The dev mana-sync's SSE change feed, `GET /sync/{appId}/stream?collections=a,b&since=<iso>`
 * (docs/upstreams.md §3.8): every page of each collection since `since` as `event: changes` with
 * `{table, changes, syncedUntil, hasMore}`, then, each time the user pushes to the app, the new
 * pages of the affected collections; `event: heartbeat` (`{}`) every 30 s. Changes on the stream
 * lack `eventId`, `schemaVersion` and `spaceId`, as on the real server. Visibility and echo
 * suppression (`X-Client-Id`) are the pull's. The user is subscribed before the first page is
 * read, so no push falls between the catch-up and the live part.
 */
import { Duration, Effect, Stream } from "effect"
import type { LiveHubShape } from "./LiveHub.ts"
import type { PullRequest } from "./SyncEngine.ts"

interface PullPage {
  readonly serverChanges: ReadonlyArray<Record<string, unknown>>
  readonly syncedUntil: string
  readonly hasMore?: boolean
}

export interface LiveStreamRequest {
  readonly userId: string
  readonly appId: string
  readonly clientIdHeader: string | undefined
  readonly collections: ReadonlyArray<string>
  readonly since: string
}

const streamed = (change: Record<string, unknown>) => {
  const { eventId: _eventId, schemaVersion: _schemaVersion, spaceId: _spaceId, ...rest } = change
  return rest
}

const encoder = new TextEncoder()
const frame = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)

export const heartbeatEvery = Duration.seconds(30)

/**
 * The stream holds its subscription while it is consumed and ends when the client goes away or a
 * pull fails (the caller checks the request with one pull first, so a 402 or 400 is a status).
 */
export const openLiveStream = <E>(
  request: LiveStreamRequest,
  pull: (request: PullRequest) => Effect.Effect<PullPage, E>,
  hub: LiveHubShape
): Stream.Stream<Uint8Array, E> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const notices = yield* hub.subscribe(request.userId)
    const cursors = new Map(request.collections.map((table) => [table, request.since]))
    /** Every page of `table` from its cursor, advancing the cursor. */
    const drain = (table: string, emitEmpty: boolean) =>
      Effect.gen(function*() {
        const frames: Array<Uint8Array> = []
        for (;;) {
          const since = cursors.get(table) ?? request.since
          const page = yield* pull({ ...request, collection: table, since })
          cursors.set(table, page.syncedUntil)
          const hasMore = page.hasMore === true
          if (page.serverChanges.length > 0 || (emitEmpty && frames.length === 0)) {
            frames.push(frame("changes", {
              table,
              changes: page.serverChanges.map(streamed),
              syncedUntil: page.syncedUntil,
              hasMore
            }))
          }
          if (!hasMore) return frames
        }
      })
    const catchUp = yield* Effect.forEach(request.collections, (table) => drain(table, true))
    const live = Stream.fromQueue(notices).pipe(
      Stream.filter((notice) => notice.appId === request.appId),
      Stream.mapEffect((notice) =>
        Effect.map(
          Effect.forEach(notice.tables.filter((table) => cursors.has(table)), (table) => drain(table, false)),
          (pages) => pages.flat()
        )
      ),
      Stream.flattenIterables
    )
    const heartbeat = Stream.tick(heartbeatEvery).pipe(Stream.drop(1), Stream.as(frame("heartbeat", {})))
    return Stream.concat(Stream.fromIterable(catchUp.flat()), Stream.merge(live, heartbeat))
  }))
