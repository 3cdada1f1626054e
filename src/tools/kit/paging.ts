/**
 * Paging for list and search tools: an opaque cursor (base64url of a small JSON document) that
 * carries the offset of the next page and a fingerprint of the filters it was issued for, so a
 * cursor reused with other filters is refused instead of silently skipping records. Each tool
 * states its default and maximum page size; the input fields are built here so they read alike.
 */
import { Effect, Either, Encoding, Hash, Schema } from "effect"
import { text, wholeNumber } from "./fields/index.ts"

/** A cursor that is not one of ours, or was issued for a different query. */
export class InvalidCursor extends Schema.TaggedError<InvalidCursor>()("InvalidCursor", {
  tool: Schema.String
}) {
  override get message() {
    return `The cursor given to ${this.tool} is not valid for this query (it is opaque: pass back nextCursor unchanged, with the same filters). Call ${this.tool} again without a cursor to start from the first page.`
  }
}

/** The `limit` and `cursor` input fields of a paged tool. */
export const pageFields = (defaultSize: number, maxSize: number) => ({
  limit: Schema.optionalWith(
    wholeNumber(1, maxSize, `Page size, 1–${maxSize}; default ${defaultSize}`),
    { default: () => defaultSize }
  ),
  cursor: Schema.optionalWith(
    text({
      min: 0,
      max: 200,
      description: "nextCursor from the previous page of the same query; omit for the first page"
    }),
    { exact: true }
  )
})

export const PageInfo = {
  /** Pass back as `cursor` to get the next page; null on the last page. */
  nextCursor: Schema.NullOr(Schema.String).annotations({
    description: "Opaque cursor for the next page (same filters), or null when this is the last page"
  }),
  total: Schema.Int.annotations({ description: "How many records match the query in all pages" })
}

const CursorBody = Schema.parseJson(Schema.Struct({ o: Schema.Int.pipe(Schema.nonNegative()), f: Schema.Number }))

const fingerprintOf = (filters: unknown) => Hash.string(JSON.stringify(filters ?? null))

const encodeCursor = (offset: number, fingerprint: number) =>
  Encoding.encodeBase64Url(Schema.encodeSync(CursorBody)({ o: offset, f: fingerprint }))

/**
 * One page of `items` (already filtered and sorted). `filters` are the query's inputs other than
 * the cursor and the limit; a cursor issued for other filters fails with `InvalidCursor`.
 */
export const paginate = <A>(
  tool: string,
  items: ReadonlyArray<A>,
  page: { readonly limit: number; readonly cursor?: string | undefined },
  filters: unknown
): Effect.Effect<
  { readonly items: ReadonlyArray<A>; readonly nextCursor: string | null; readonly total: number },
  InvalidCursor
> => {
  const fingerprint = fingerprintOf(filters)
  const offset = page.cursor === undefined ? Either.right(0) : Either.flatMap(
    Either.mapLeft(Encoding.decodeBase64UrlString(page.cursor), () => new InvalidCursor({ tool })),
    (json) =>
      Either.flatMap(
        Either.mapLeft(Schema.decodeUnknownEither(CursorBody)(json), () => new InvalidCursor({ tool })),
        (body) => body.f === fingerprint ? Either.right(body.o) : Either.left(new InvalidCursor({ tool }))
      )
  )
  return Either.match(offset, {
    onLeft: Effect.fail,
    onRight: (start) => {
      const end = start + page.limit
      return Effect.succeed({
        items: items.slice(start, end),
        nextCursor: end < items.length ? encodeCursor(end, fingerprint) : null,
        total: items.length
      })
    }
  })
}
