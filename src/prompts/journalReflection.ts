/**
 * `journal-reflection`: recent journal entries (the last N days, optionally of one mood), with
 * the ask to reflect on them gently.
 */
import { Effect, Schema } from "effect"
import { addDays } from "../tools/kit/fields/dates.ts"
import { definePrompt } from "./definePrompt.ts"
import { daysInput, moodArgument, MoodInput, spaceArgument, SpaceInput } from "./promptArguments.ts"
import { dataBlock, readAs } from "./readAs.ts"

const name = "journal-reflection"
const defaultDays = 14

const Entries = Schema.Struct({
  entries: Schema.Array(Schema.Struct({
    entryDate: Schema.String,
    title: Schema.NullOr(Schema.String),
    mood: Schema.NullOr(Schema.String),
    contentPreview: Schema.String
  })),
  total: Schema.Number
})

export const journalReflection = definePrompt({
  name,
  title: "Journal reflection",
  description:
    "Recent journal entries (default the last 14 days, optionally only one mood), with the request to reflect on patterns in them.",
  arguments: [
    { name: "days", description: `How many days back to read, 1–90; default ${defaultDays}` },
    moodArgument,
    spaceArgument
  ],
  input: Schema.Struct({
    days: Schema.optionalWith(daysInput(1, 90), { default: () => defaultDays }),
    mood: Schema.optional(MoodInput),
    space: Schema.optional(SpaceInput)
  }),
  build: (args, context) =>
    Effect.gen(function*() {
      const from = addDays(context.today, -(args.days - 1))
      const journal = yield* readAs(context, name, "journal.list", {
        from,
        to: context.today,
        ...(args.mood === undefined ? {} : { moods: [args.mood] }),
        limit: 50
      }, Entries)
      const which = args.mood === undefined ? "" : ` with the mood "${args.mood}"`
      return [
        `Help me reflect on my journal: the entries${which} from ${from} to ${context.today} in my Mana space "${context.spaceName}".`,
        journal.entries.length === 0
          ? "There are no such entries."
          : dataBlock(
            `Entries, newest first${
              journal.total > journal.entries.length
                ? ` (the newest ${journal.entries.length} of ${journal.total})`
                : ""
            }`,
            journal.entries
          ),
        "Reflect gently: recurring themes, what lifted or weighed on me, one question worth writing about next. " +
        "journal.get has an entry's full text if a preview is not enough."
      ].join("\n\n")
    })
})
