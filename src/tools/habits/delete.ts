/**
 * `habits.delete`: moves a habit to the trash (soft delete); its check-ins stay and come back
 * with it on `trash.restore`. Destructive: the user confirms first in enforce mode.
 */
import { makeDeleteTool } from "../kit/deleteTool.ts"
import { habitKind } from "./Habit.ts"

export const deleteHabit = makeDeleteTool(habitKind, {
  name: "habits.delete",
  title: "Delete habit",
  idDescription: "The habit's id (a UUID from habits.list)",
  extra: "To stop tracking a habit but keep it, use habits.archive. "
})
