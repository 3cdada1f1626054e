/**
 * The authenticated caller as the gateway sees it: claims from a verified mana-auth JWT.
 * Holds no token; the raw JWT travels separately (`Caller`) as a `Redacted` value.
 */
export interface Principal {
  readonly userId: string
  readonly email: string
  readonly role: string
  readonly tier: string
  /** `exp` of the token, seconds since the epoch. */
  readonly expiresAt: number
}
