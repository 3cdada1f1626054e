/**
 * The typed failures of obtaining a user's master key from the mana-auth encryption vault
 * (docs/upstreams.md §2.4), each with a message written for the agent. They carry an HTTP status or a
 * coarse reason at most: never the response body, the token or key material. Raised by
 * `MasterKeys.ts`; encrypted tools keep them in their error types.
 */
import { Schema } from "effect"

/** The vault holds this user's key only wrapped by their recovery code (zero-knowledge mode). */
export class ZeroKnowledgeUserError extends Schema.TaggedError<ZeroKnowledgeUserError>()("ZeroKnowledgeUserError", {}) {
  override get message() {
    return "This user's Mana data is end-to-end encrypted with a key that only their own devices hold (zero-knowledge mode). No server-side agent, including this one, can read or write their encrypted modules: todo, notes and journal. Do not retry. Plaintext modules such as habits and spaces still work."
  }
}

/** 404 VAULT_NOT_INITIALISED: the user has never opened the web app, so no key exists yet. */
export class VaultNotInitialisedError
  extends Schema.TaggedError<VaultNotInitialisedError>()("VaultNotInitialisedError", {})
{
  override get message() {
    return "This user's encryption vault has not been set up yet, so their todo, notes and journal data cannot be encrypted or decrypted. Ask the user to open the Mana web app once (it sets up encryption automatically), then retry."
  }
}

export const MasterKeyFetchFailure = Schema.Literal(
  "unauthorized",
  "http-status",
  "network",
  "timeout",
  "invalid-response"
)
export type MasterKeyFetchFailure = typeof MasterKeyFetchFailure.Type

/** Any other failure to get the key: a 401, an unexpected status, a network error, a timeout, a bad body. */
export class MasterKeyFetchError extends Schema.TaggedError<MasterKeyFetchError>()("MasterKeyFetchError", {
  reason: MasterKeyFetchFailure,
  status: Schema.optional(Schema.Number)
}) {
  override get message() {
    switch (this.reason) {
      case "unauthorized":
        return "mana-auth rejected the user's access token when fetching their encryption key (expired or invalid). Mana access tokens last 15 minutes: refresh the token in the client's Authorization header and retry."
      case "timeout":
        return "mana-auth did not answer in time when fetching the user's encryption key. This is temporary: retry in a moment."
      case "network":
        return "mana-auth could not be reached to fetch the user's encryption key. This is temporary: retry in a moment."
      case "invalid-response":
        return "mana-auth returned an encryption-key response the gateway cannot use. Retrying is unlikely to help; report it to the operator."
      case "http-status":
        return `mana-auth answered HTTP ${
          this.status ?? "error"
        } when fetching the user's encryption key. If this persists, report it to the operator.`
    }
  }
}

export type MasterKeyError = ZeroKnowledgeUserError | VaultNotInitialisedError | MasterKeyFetchError
