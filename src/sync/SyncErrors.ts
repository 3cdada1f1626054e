/**
 * The typed failures of talking to mana-sync, each with a message written for the agent.
 * Raised by the SyncClient layers; tool handlers keep them in their error types.
 */
import { Schema } from "effect"

/** 401 from mana-sync: the caller's JWT is expired or invalid. */
export class SyncUnauthorized extends Schema.TaggedError<SyncUnauthorized>()("SyncUnauthorized", {
  app: Schema.String
}) {
  override get message() {
    return "mana-sync rejected the user's access token (expired or invalid). Mana access tokens last 15 minutes: refresh the token in the client's Authorization header and retry."
  }
}

/** 402 from mana-sync: the user's cloud sync subscription is not active. */
export class SyncPaymentRequired extends Schema.TaggedError<SyncPaymentRequired>()("SyncPaymentRequired", {
  app: Schema.String
}) {
  override get message() {
    return "This user's Mana cloud sync subscription is inactive, so their data cannot be read or written through the server. Ask the user to activate Sync in the Mana settings."
  }
}

/** Another 4xx: mana-sync refused the request; `detail` is the server's own text. */
export class SyncRejected extends Schema.TaggedError<SyncRejected>()("SyncRejected", {
  app: Schema.String,
  status: Schema.Number,
  detail: Schema.String
}) {
  override get message() {
    return `mana-sync rejected the request (HTTP ${this.status}): ${this.detail}`
  }
}

/** The tool that shows whether a record of `app` exists, for "check before you retry" advice. */
const listToolOf: Readonly<Record<string, string>> = {
  habits: "habits.list",
  todo: "todo.list",
  notes: "notes.list",
  journal: "journal.list"
}

/**
 * Network failure, timeout or 5xx after retries. Nothing was confirmed written. A failed create
 * may still have been stored (mana-sync is not atomic, a timeout says nothing), and repeating it
 * would store a second record with a new id; a failed update repeats harmlessly (same fields,
 * LWW), so the advice differs.
 */
export class SyncUnavailable extends Schema.TaggedError<SyncUnavailable>()("SyncUnavailable", {
  app: Schema.String,
  reason: Schema.Literal("network", "timeout", "server-error"),
  status: Schema.optional(Schema.Number),
  operation: Schema.optional(Schema.Literal("read", "create", "update"))
}) {
  override get message() {
    const what = this.reason === "timeout"
      ? "did not answer in time"
      : this.reason === "network"
      ? "could not be reached"
      : `answered with a server error (HTTP ${this.status ?? "5xx"})`
    switch (this.operation) {
      case "create":
        return `mana-sync ${what}, so this create is unconfirmed: the record may or may not have been stored. Do not simply retry: first call ${
          listToolOf[this.app] ?? "the matching list or search tool"
        } to see whether it exists, and create it again only if it does not (a repeated create stores a second record). If the call carried an idempotencyKey, simply repeat it with the same key: that cannot store a second record.`
      case "update":
        return `mana-sync ${what}, so this change is unconfirmed: it may or may not have been stored. Repeating the same call is safe (an update applied twice changes nothing more); retry it in a moment.`
      default:
        return `mana-sync ${what}. Nothing was changed. This is temporary: retry the call in a moment.`
    }
  }
}

export type SyncError = SyncUnauthorized | SyncPaymentRequired | SyncRejected | SyncUnavailable
