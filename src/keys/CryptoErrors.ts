/**
 * The typed failures of field encryption. They name what went wrong in structural terms only
 * (which check failed, which field), never the ciphertext, the plaintext or the key, so they are
 * safe to log and to hand to an agent. Raised by `Crypto.ts`; nothing else constructs them.
 */
import { Schema } from "effect"

export const DecryptFailure = Schema.Literal("malformed", "bad-base64", "authentication-failed", "not-json")
export type DecryptFailure = typeof DecryptFailure.Type

/** An `enc:1:` value that cannot be turned back into its plaintext. */
export class DecryptError extends Schema.TaggedError<DecryptError>()("DecryptError", {
  reason: DecryptFailure,
  /** The record field that held the value, when known (a name, never a value). */
  field: Schema.optional(Schema.String)
}) {
  override get message() {
    const where = this.field === undefined ? "A stored value" : `The stored field "${this.field}"`
    const why = this.reason === "authentication-failed"
      ? "was encrypted with a different key or has been altered"
      : this.reason === "not-json"
      ? "decrypted to something that is not JSON"
      : this.reason === "bad-base64"
      ? "is not valid base64"
      : "is not a well-formed enc:1 value"
    return `${where} could not be decrypted: it ${why}. The record is corrupt or belongs to another key; it cannot be read through this gateway.`
  }
}

/** Raw key material of the wrong size (only 32-byte AES-256 keys are accepted). */
export class InvalidKeyError extends Schema.TaggedError<InvalidKeyError>()("InvalidKeyError", {
  length: Schema.Number
}) {
  override get message() {
    return `The encryption key has ${this.length} bytes; exactly 32 are required.`
  }
}
