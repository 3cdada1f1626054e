/**
 * The habit record as tools see it (docs/upstreams.md §4.1), its stored shape, the input field
 * schemas the habits tools share, and reading the live habits of the caller's active space.
 * Records written by the web app may lack fields or carry odd values: a record without a string
 * `title` is skipped (a partial record), other fields fall back to their defaults. Pushing is each
 * tool's own business.
 */
import { Effect, Option, Schema } from "effect"
import type { CallerShape } from "../../domain/Caller.ts"
import type { SyncClientShape, SyncRecord } from "../../sync/SyncClient.ts"
import { hexColor, orNull, recordId, text, title, wholeNumber } from "../kit/fields/index.ts"
import { memoByIdentity } from "../kit/memoByIdentity.ts"
import { type RecordKind, titleLabel } from "../kit/RecordKind.ts"
import { requireRecord } from "../kit/RecordNotFound.ts"
import { byPosition } from "../kit/recordOrder.ts"
import { storedOptional, storedOr } from "../kit/storedField.ts"

export const habitsApp = "habits"
export const habitsTable = "habits"
export const habitKind: RecordKind = {
  module: "habits",
  app: habitsApp,
  table: { table: habitsTable, fields: [] },
  noun: "habit",
  listTool: "habits.list",
  labelOf: titleLabel
}
export const defaultIcon = "star"
export const defaultColor = "#6366f1"

export const Title = title(120, "The habit's name, 1–120 characters")
export const Icon = text({
  min: 1,
  max: 40,
  description: "Icon name shown in the Mana app, 1–40 characters (e.g. \"star\", \"book\", \"run\")"
})
export const Color = hexColor("Colour as #RRGGBB hex, e.g. \"#6366f1\"")
export const TargetPerDay = orNull(
  wholeNumber(1, 1000, "Times per day"),
  "How many times per day the habit should be done (1–1000), or null for no daily goal"
)
export const DefaultDuration = orNull(
  wholeNumber(1, 86_400, "Seconds"),
  "Default duration of one session in seconds (1–86400), or null"
)
export const HabitId = recordId("The habit's id (a UUID from habits.list or habits.create)")

export const Habit = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  icon: Schema.String,
  color: Schema.String,
  targetPerDay: Schema.NullOr(Schema.Number),
  defaultDuration: Schema.NullOr(Schema.Number),
  order: Schema.Number,
  isArchived: Schema.Boolean,
  createdAt: Schema.optional(Schema.String),
  updatedAt: Schema.optional(Schema.String)
})
export type Habit = typeof Habit.Type

const StoredHabit = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  icon: storedOr(Schema.NonEmptyString, () => defaultIcon),
  color: storedOr(Schema.NonEmptyString, () => defaultColor),
  targetPerDay: storedOr(Schema.NullOr(Schema.Finite), () => null),
  defaultDuration: storedOr(Schema.NullOr(Schema.Finite), () => null),
  order: storedOr(Schema.Finite, () => 0),
  isArchived: storedOr(Schema.Boolean, () => false),
  createdAt: storedOptional(Schema.String),
  updatedAt: storedOptional(Schema.String)
})

/** A folded record as a `Habit`, or `None` for a partial record without a title. */
export const readHabit = (id: string, data: Readonly<Record<string, unknown>>): Option.Option<Habit> =>
  Schema.decodeUnknownOption(StoredHabit)({ ...data, id })

// Decoded and sorted once per change of the table: the read cache hands out the same records
// array until then (`SyncClient.read`), so an unchanged list costs no Schema work per call.
const sortedHabits = memoByIdentity((records: ReadonlyArray<SyncRecord>): ReadonlyArray<Habit> =>
  records.flatMap((record) => Option.toArray(readHabit(record.id, record.data))).sort(byPosition)
)

/** Every live habit (archived included) of the caller's active space, in the web app's order (shared: do not mutate). */
export const readHabits = (sync: SyncClientShape, caller: CallerShape) =>
  Effect.zipWith(sync.read(caller, habitsApp, habitsTable), sortedHabits, (records, sorted) => sorted(records))

/** The live habit `id` of the active space; fails with `RecordNotFound` otherwise. */
export const findHabit = (sync: SyncClientShape, caller: CallerShape, id: string) =>
  Effect.flatMap(
    readHabits(sync, caller),
    (habits) => requireRecord(habits, id, { kind: "habit", listTool: "habits.list" })
  )
