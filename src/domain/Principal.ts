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
  /**
   * Scopes of a delegated (OAuth) token. Absent for first-party tokens without a `scope` claim,
   * which keep full access; present, it limits the tools the caller may use.
   */
  readonly scopes?: ReadonlyArray<string>
  /** The OAuth client the token was issued to (`client_id`). */
  readonly clientId?: string
  /** The one space the grant allows (`mana_space`). */
  readonly space?: string
}
