/**
 * Upstreams: the resolved base URLs of mana-auth and mana-sync and the accepted JWT issuers.
 * In production they come straight from config; in local mode `main.ts` provides them after the
 * embedded dev stand-ins have bound their ports. Services depend on this, never on raw config.
 */
import { Context } from "effect"

export interface UpstreamsShape {
  /** mana-auth base URL without a trailing slash, e.g. `http://127.0.0.1:3001`. */
  readonly authUrl: string
  /** mana-sync base URL without a trailing slash. */
  readonly syncUrl: string
  /** Accepted `iss` values (JWT_ISSUER, or the auth URL). */
  readonly issuers: ReadonlyArray<string>
}

export class Upstreams extends Context.Tag("mana-mcp/Upstreams")<Upstreams, UpstreamsShape>() {}
