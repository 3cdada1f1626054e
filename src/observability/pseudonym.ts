/**
 * A stable pseudonym for a user id, for places that must tell users apart without naming them
 * (span attributes): the first 128 bits of its SHA-256, hex. The same user always gets the same
 * pseudonym, so an operator can follow one user's traces and then look the id up in the audit log.
 */
import { createHash } from "node:crypto"

export const userPseudonym = (userId: string): string =>
  createHash("sha256").update(userId, "utf8").digest("hex").slice(0, 32)
