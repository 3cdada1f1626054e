/** Every prompt the gateway offers, in the order `prompts/list` shows them. Adding one is a file plus a line here. */
import { habitCheckIn } from "./habitCheckIn.ts"
import { journalReflection } from "./journalReflection.ts"
import { planMyDay } from "./planMyDay.ts"
import type { Prompt } from "./PromptSpec.ts"
import { weeklyReview } from "./weeklyReview.ts"

export const allPrompts: ReadonlyArray<Prompt> = [planMyDay, weeklyReview, journalReflection, habitCheckIn]
