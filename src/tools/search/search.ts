/**
 * `mana.search`: one read over habits, tasks, notes and journal entries of the active space,
 * decrypted server-side like the module tools, ranked by match quality then recency
 * (`rankHits.ts`), paged, each hit with its module, id, title and a preview. Bounded: the query
 * is at most 200 characters and 12 words, pages at most 50 hits, previews about 160 characters,
 * and each module gets `moduleBudget` to answer — one that does not is reported in
 * `unsearchable` rather than holding up the others. Modules a zero-knowledge user's data cannot
 * be searched in are named there too, with the reason.
 */
import { Effect, Schema } from "effect"
import { text } from "../kit/fields/index.ts"
import { memoByIdentity } from "../kit/memoByIdentity.ts"
import { pageFields, PageInfo, paginate } from "../kit/paging.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { byRank, foldDoc, queryWords, type Scored, scoreOf, searchPhrase, snippetOf } from "./rankHits.ts"
import { type ModuleDocs, moduleSources, searchModules } from "./searchDocs.ts"

const defaultPage = 20
const maxPage = 50
/** How long one module may take to read and decrypt before the search answers without it. */
const moduleBudget = "8 seconds"

/** Each document folded once (documents are remembered per decrypted record, `searchDocs.ts`). */
const foldedDoc = memoByIdentity(foldDoc)

const Module = Schema.Literal(...searchModules)

const Hit = Schema.Struct({
  module: Module,
  id: Schema.String,
  title: Schema.String,
  preview: Schema.String.annotations({ description: "About 160 characters of the body around the first match" }),
  updatedAt: Schema.NullOr(Schema.String)
}).annotations({
  description: "One match; open it with the module's get tool (todo.get, notes.get, journal.get) or habits.list"
})

const Output = Schema.Struct({
  hits: Schema.Array(Hit),
  unsearchable: Schema.Array(Schema.Struct({ module: Module, reason: Schema.String })).annotations({
    description: "Modules that could not be searched (end-to-end encrypted data, no vault, or too slow), with why"
  }),
  unreadable: Schema.Int.annotations({ description: "Records skipped because they could not be decrypted" }),
  ...PageInfo
})

const Input = Schema.Struct({
  query: text({
    min: 1,
    max: 200,
    description: "Words to find in titles and texts, case-insensitive; every word must occur (1–200 characters)"
  }),
  ...pageFields(defaultPage, maxPage)
})

export const search = defineTool({
  name: "mana.search",
  title: "Search everything",
  description:
    `Searches habits, tasks, notes and journal entries of the user's active space at once (decrypted server-side). Every word of query must occur in a record's title or text (case-insensitive). Returns { hits, unsearchable, unreadable, nextCursor, total }: hits ranked by match quality (whole query in the title first) and then recency, each with module (habits, todo, notes, journal), id, title, preview and updatedAt; open a hit with its module's get tool. Paged: limit default ${defaultPage}, max ${maxPage}; pass nextCursor back as cursor. unsearchable names modules that could not be searched and why (a zero-knowledge user's encrypted modules, or a module that did not answer in time).`,
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: Output,
  handler: (input) =>
    Effect.gen(function*() {
      const phrase = searchPhrase(input.query)
      const words = queryWords(phrase)
      const sources = yield* moduleSources
      const answers = yield* Effect.forEach(
        sources.map((source) =>
          source.docs.pipe(
            Effect.timeoutTo({
              duration: moduleBudget,
              onSuccess: (docs): ModuleDocs => docs,
              onTimeout: (): ModuleDocs => ({
                _tag: "Unsearchable",
                module: source.module,
                reason: "did not answer in time; search again in a moment"
              })
            })
          )
        ),
        (answer) => answer,
        { concurrency: "unbounded" }
      )
      const folded = yield* foldedDoc
      const scored: Array<Scored> = []
      const unsearchable: Array<{ module: (typeof searchModules)[number]; reason: string }> = []
      let unreadable = 0
      for (const answer of answers) {
        if (answer._tag === "Unsearchable") {
          unsearchable.push({ module: answer.module, reason: answer.reason })
          continue
        }
        unreadable += answer.unreadable
        for (const doc of answer.docs) {
          const score = scoreOf(doc, phrase, words, folded(doc))
          if (score > 0) scored.push({ doc, score })
        }
      }
      scored.sort(byRank)
      const page = yield* paginate("mana.search", scored, input, { q: phrase })
      return {
        hits: page.items.map(({ doc }) => ({
          module: doc.module,
          id: doc.id,
          title: doc.title,
          preview: snippetOf(doc.body, words, folded(doc).body),
          updatedAt: doc.touched ?? null
        })),
        unsearchable,
        unreadable,
        nextCursor: page.nextCursor,
        total: page.total
      }
    })
})
