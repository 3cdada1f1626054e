/**
 * The habit record as tools see it (upstreams.md 3.2), the input field schemas the habits tools
 * share, and reading the live habits of the caller's active space. Records written by the web app
 * may lack fields or carry odd values: a record without a string `title` is skipped (a partial
 * record), other fields fall back to their defaults. Pushing is each tool's own business.
 */
import { Effect, Schema } from "effect"
import type { CallerShape } from "../../domain/Caller.ts"
import type { SyncClientShape, SyncRecord } from "../../sync/SyncClient.ts"
import { RecordNotFound } from "../RecordNotFound.ts"

export const habitsApp = "habits"
export const habitsTable = "habits"
export const defaultIcon = "star"
export const defaultColor = "#6366f1"

export const Title = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(120)).annotations({
  description: "The habit's name, 1–120 characters"
})
export const Icon = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(40)).annotations({
  description: "Icon name shown in the Mana app, 1–40 characters (e.g. \"star\", \"book\", \"run\")"
})
export const Color = Schema.String.pipe(Schema.pattern(/^#[0-9a-fA-F]{6}$/)).annotations({
  description: "Colour as #RRGGBB hex, e.g. \"#6366f1\""
})
const PositiveInt = Schema.Int.pipe(Schema.positive())
export const TargetPerDay = Schema.NullOr(PositiveInt).annotations({
  description: "How many times per day the habit should be done (a positive integer), or null for no daily goal"
})
export const DefaultDuration = Schema.NullOr(PositiveInt).annotations({
  description: "Default duration of one session in seconds (a positive integer), or null"
})
export const HabitId = Schema.UUID.annotations({
  description: "The habit's id (a UUID from habits.list or habits.create)"
})

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

const stringOr = (value: unknown, fallback: string) => (typeof value === "string" && value !== "" ? value : fallback)
const numberOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null)

/** The habit in a folded record, or `undefined` for a partial record without a title. */
export const toHabit = (record: SyncRecord): Habit | undefined => {
  const data = record.data
  const title = data["title"]
  if (typeof title !== "string") return undefined
  const createdAt = data["createdAt"]
  const updatedAt = data["updatedAt"]
  return {
    id: record.id,
    title,
    icon: stringOr(data["icon"], defaultIcon),
    color: stringOr(data["color"], defaultColor),
    targetPerDay: numberOrNull(data["targetPerDay"]),
    defaultDuration: numberOrNull(data["defaultDuration"]),
    order: numberOrNull(data["order"]) ?? 0,
    isArchived: data["isArchived"] === true,
    ...(typeof createdAt === "string" ? { createdAt } : {}),
    ...(typeof updatedAt === "string" ? { updatedAt } : {})
  }
}

/** The web app's order: `order` ascending, then creation time, then id (for a stable result). */
const byOrder = (a: Habit, b: Habit) =>
  a.order - b.order || (a.createdAt ?? "").localeCompare(b.createdAt ?? "") || a.id.localeCompare(b.id)

/** Every live habit (archived included) of the caller's active space, sorted. */
export const readHabits = (sync: SyncClientShape, caller: CallerShape) =>
  Effect.map(sync.read(caller, habitsApp, habitsTable), (records) =>
    records.flatMap((record) => {
      const habit = toHabit(record)
      return habit === undefined ? [] : [habit]
    }).sort(byOrder))

/** The live habit `id` of the active space; fails with `RecordNotFound` otherwise. */
export const findHabit = (sync: SyncClientShape, caller: CallerShape, id: string) =>
  Effect.flatMap(readHabits(sync, caller), (habits) => {
    const habit = habits.find((h) => h.id === id)
    return habit === undefined
      ? Effect.fail(new RecordNotFound({ kind: "habit", id, listTool: "habits.list" }))
      : Effect.succeed(habit)
  })
