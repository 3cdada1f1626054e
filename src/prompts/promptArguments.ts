/**
 * The argument kinds prompts share. On the wire every prompt argument is an optional string;
 * these decode one to its typed value (a day, a number of days, a mood, a name) with what is
 * accepted stated for error messages, and describe it for `prompts/list`.
 */
import { Schema } from "effect"
import { moods } from "../tools/journal/Entry.ts"
import { AcceptsId, calendarDate, oneOf, text } from "../tools/kit/fields/index.ts"
import type { PromptArgumentSpec } from "./PromptSpec.ts"

/** `space`: a space's name or id; every prompt reads the active space unless given one. */
export const spaceArgument: PromptArgumentSpec = {
  name: "space",
  description: "The space to read, by name or id; default the active space (X-Mana-Space, or the one you granted)",
  completes: "space-name"
}
export const SpaceInput = text({ min: 1, max: 200, description: spaceArgument.description })

/** A day as `YYYY-MM-DD`; `today` (the default) is the current UTC date, filled in by `build`. */
export const DayInput = calendarDate("A day as YYYY-MM-DD; default today (UTC)")

/** A whole number of days within bounds, sent as a decimal string. */
export const daysInput = (min: number, max: number) =>
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max)).annotations({
    [AcceptsId]: `a whole number of days from ${min} to ${max}, as text (e.g. "7")`
  })

export const moodArgument: PromptArgumentSpec = {
  name: "mood",
  description: `Only entries with this mood, one of the Mana app's words: ${moods.join(", ")}`,
  completes: "mood"
}
export const MoodInput = oneOf(...moods)

export const habitArgument: PromptArgumentSpec = {
  name: "habit",
  description: "Only this habit, by its title (case-insensitive); default every habit not archived",
  completes: "habit-title"
}
export const HabitInput = text({ min: 1, max: 120, description: habitArgument.description })
