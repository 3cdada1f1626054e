/**
 * A stable pseudonym for a user id, for places that must tell users apart without naming them
 * (span attributes): the first 128 bits of its SHA-256, hex. The same user always gets the same
 * pseudonym, so an operator can follow one user's traces and then look the id up in the audit log.
 */
import { createHash } from "node:crypto"
import { memoSlot } from "../domain/Memos.ts"

const rememberedAtMost = 10_000

/**
 * Yields the pseudonym function. Every tool call names its user on its span: a hash per call
 * would be most of the span's cost, so pseudonyms are remembered (in the app layer's `Memos`).
 */
export const userPseudonyms = memoSlot(() => {
  const remembered = new Map<string, string>()
  return (userId: string): string => {
    const known = remembered.get(userId)
    if (known !== undefined) return known
    const pseudonym = createHash("sha256").update(userId, "utf8").digest("hex").slice(0, 32)
    if (remembered.size >= rememberedAtMost) remembered.clear()
    remembered.set(userId, pseudonym)
    return pseudonym
  }
})
