/**
 * Local mode: starts the embedded dev mana-auth and dev mana-sync in this process, each on its
 * own Bun server (port 0 picks a free one), wired together the way production is — the dev sync
 * verifies JWTs against the dev auth's JWKS over HTTP. Returns the URLs the gateway then uses as
 * its upstreams. Nothing here runs when MANA_AUTH_URL / MANA_SYNC_URL are set.
 */
import type { HttpServer } from "@effect/platform"
import { type Duration, Effect, Option } from "effect"
import { listen } from "../listen.ts"
import { makeDevAuth } from "./auth/DevAuth.ts"
import { isLoopbackBind } from "./auth/oauth/publicAddress.ts"
import { makeDevSync } from "./sync/DevSync.ts"

export interface DevStackOptions {
  readonly host: string
  readonly authPort: number
  readonly syncPort: number
  readonly dataDir: string
  readonly syncLatency: Duration.Duration
  /** The gateway's resource URLs, for which the dev authorization server issues tokens. */
  readonly gatewayResources: ReadonlyArray<string>
  readonly oauthAccessTtl: Duration.Duration
}

const urlOf = (server: HttpServer.HttpServer, host: string) => {
  const address = server.address
  const port = address._tag === "TcpAddress" ? address.port : 0
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`
}

export const startDevStack = (options: DevStackOptions) =>
  Effect.gen(function*() {
    const dataDir = Option.some(options.dataDir)
    const authServer = yield* listen({
      server: "the dev mana-auth",
      setting: "DEV_AUTH_PORT",
      host: options.host,
      port: options.authPort
    })
    const authUrl = urlOf(authServer, options.host)
    const devAuth = yield* makeDevAuth({
      baseUrl: authUrl,
      dataDir,
      oauth: {
        resources: options.gatewayResources,
        accessTokenTtl: options.oauthAccessTtl,
        // Local development: an MCP client under development serves its metadata document from
        // this computer. Only while nothing beyond this computer can reach the dev auth: bound to
        // another interface, a client_id could aim the fetch at this computer's or the LAN's services.
        allowPrivateClientDocuments: isLoopbackBind(options.host)
      }
    })
    yield* authServer.serve(devAuth.app)

    const syncServer = yield* listen({
      server: "the dev mana-sync",
      setting: "DEV_SYNC_PORT",
      host: options.host,
      port: options.syncPort
    })
    const syncUrl = urlOf(syncServer, options.host)
    const devSync = yield* makeDevSync({
      jwksUrl: `${authUrl}/api/auth/jwks`,
      memberships: devAuth.membershipsOf,
      dataDir,
      latency: options.syncLatency
    })
    yield* syncServer.serve(devSync.app)
    return { authUrl, syncUrl, devAuth, devSync }
  })
