/** What an agent reads when a bulk call would pass the user's item budget (POLICY_BULK_ITEM_BUDGET). */
import { Duration } from "effect"

export const itemBudgetReminder = (items: number, limit: number, window: Duration.Duration, resetsInMillis: number) =>
  `This bulk call carries ${items} items, which would pass your budget of ${limit} bulk items per ${
    Math.round(Duration.toSeconds(window))
  } s across all bulk tools. Nothing was written. Wait about ${
    Math.max(1, Math.ceil(resetsInMillis / 1000))
  } s, or send fewer items; a dryRun does not count against the budget.`
