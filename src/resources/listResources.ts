/**
 * `resources/list`: today's habits, then the notes, journal entries and open tasks of the active
 * space, each kind paged by its own list tool (`notes.list`, `journal.list`, `todo.list`, through
 * the invoke pipeline like a tool call). The cursor is opaque: which kind comes next and that
 * list tool's own cursor. A page holds one kind's page; the last kind's last page has no cursor.
 */
import type { ListResourcesResult, Resource } from "@modelcontextprotocol/server"
import { Effect, Either, Encoding, Schema } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import { resourceMimeType, type RunReadTool, toolOutput } from "./readResource.ts"
import { ResourceFailure } from "./ResourceErrors.ts"
import { habitsToday, listPageOf, recordKindSpecs } from "./resourceKinds.ts"
import { habitsTodayUri, recordKinds, recordUriOf } from "./resourceUris.ts"

const CursorBody = Schema.parseJson(Schema.Struct({
  k: Schema.Int.pipe(Schema.between(0, recordKinds.length - 1)),
  c: Schema.NullOr(Schema.String)
}))

interface Position {
  readonly k: number
  readonly c: string | null
}

const encodeCursor = (position: Position) => Encoding.encodeBase64Url(Schema.encodeSync(CursorBody)(position))

const invalidCursor = new ResourceFailure({
  reason: "InvalidParams",
  detail:
    "The cursor given to resources/list is not valid (it is opaque: pass back nextCursor unchanged). Call resources/list without a cursor to start from the first page."
})

const decodeCursor = (cursor: string | undefined): Effect.Effect<Position, ResourceFailure> =>
  cursor === undefined ? Effect.succeed({ k: 0, c: null }) : Either.match(
    Either.flatMap(Encoding.decodeBase64UrlString(cursor), (json) => Schema.decodeUnknownEither(CursorBody)(json)),
    { onLeft: () => Effect.fail(invalidCursor), onRight: Effect.succeed }
  )

const habitsTodayResource: Resource = {
  uri: habitsTodayUri,
  name: "habits-today",
  title: habitsToday.title,
  description: habitsToday.description,
  mimeType: resourceMimeType
}

export const listResources = (
  run: RunReadTool,
  caller: CallerShape,
  cursor: string | undefined
): Effect.Effect<ListResourcesResult, ResourceFailure> =>
  Effect.gen(function*() {
    const position = yield* decodeCursor(cursor)
    const kind = recordKinds[position.k]
    if (kind === undefined) return yield* Effect.fail(invalidCursor)
    const spec = recordKindSpecs[kind]
    const args = { limit: spec.pageSize, ...(position.c === null ? {} : { cursor: position.c }) }
    const output = yield* toolOutput(run, caller, `mana://${kind}/`, spec.listTool, args)
    const page = listPageOf(spec, output)
    const resources = page.records.map((record): Resource => ({
      uri: recordUriOf(kind, record.id),
      name: record.title,
      title: record.title,
      mimeType: resourceMimeType,
      ...(record.updatedAt === undefined ? {} : { annotations: { lastModified: record.updatedAt } })
    }))
    const next: Position | undefined = page.nextCursor !== null
      ? { k: position.k, c: page.nextCursor }
      : position.k + 1 < recordKinds.length
      ? { k: position.k + 1, c: null }
      : undefined
    return {
      resources: cursor === undefined ? [habitsTodayResource, ...resources] : resources,
      ...(next === undefined ? {} : { nextCursor: encodeCursor(next) })
    }
  })
