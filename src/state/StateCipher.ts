/**
 * Encrypts what the gateway parks in Redis on behalf of a user (resumable stream events hold tool
 * results): AES-256-GCM with STATE_ENCRYPTION_KEY, a random 96-bit IV per value, and the value's
 * context (session and stream id) as additional data, so a ciphertext copied under another key in
 * Redis fails to open. Synchronous `node:crypto` (Bun implements it natively): this runs on the
 * tool-call path.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"

export interface StateCipher {
  /** base64(iv ‖ ciphertext ‖ tag). */
  readonly seal: (plaintext: string, context: string) => string
  /** The plaintext, or `undefined` when the value was tampered with, moved, or sealed under another key. */
  readonly open: (sealed: string, context: string) => string | undefined
}

const ivBytes = 12
const tagBytes = 16

export const makeStateCipher = (key: Uint8Array): StateCipher => {
  const keyBuffer = Buffer.from(key)
  return {
    seal: (plaintext, context) => {
      const iv = randomBytes(ivBytes)
      const cipher = createCipheriv("aes-256-gcm", keyBuffer, iv)
      cipher.setAAD(Buffer.from(context))
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64")
    },
    open: (sealed, context) => {
      const bytes = Buffer.from(sealed, "base64")
      if (bytes.length < ivBytes + tagBytes) return undefined
      try {
        const decipher = createDecipheriv("aes-256-gcm", keyBuffer, bytes.subarray(0, ivBytes))
        decipher.setAAD(Buffer.from(context))
        decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes))
        return Buffer.concat([decipher.update(bytes.subarray(ivBytes, bytes.length - tagBytes)), decipher.final()])
          .toString("utf8")
      } catch {
        return undefined // authentication failed: not ours, or tampered with
      }
    }
  }
}
