/**
 * What `npm start` prints once the gateway is listening: the MCP URL and both ways to connect —
 * by URL alone for OAuth-capable clients (`claude mcp add …`, a custom connector), and, in local
 * mode, a static `.mcp.json` block with a fresh dev token and space for scripts. The last line
 * (`MANA_MCP_READY {json}`) is machine-readable for scripts and end-to-end tests.
 */
import { Console, Duration, Effect, Option } from "effect"
import type { ManaConfigShape } from "./config/Config.ts"
import type { UpstreamsShape } from "./config/Upstreams.ts"
import { describeResourceIdentity, resourceIdentityOf } from "./transport/http/resourceUrl.ts"

const devTokenTtl = Duration.days(7)

/** What the banner needs from the dev mana-auth in local mode: a token for the dev user. */
export interface DevTokenIssuer {
  readonly issueToken: (
    email: string,
    ttl: Duration.Duration
  ) => Effect.Effect<{ readonly accessToken: string; readonly personalSpaceId: string }, unknown>
}

export const printBanner = (options: {
  /** With `port` the bound port. */
  readonly config: ManaConfigShape
  readonly upstreams: UpstreamsShape
  readonly dev: Option.Option<{ readonly devAuth: DevTokenIssuer; readonly authUrl: string; readonly syncUrl: string }>
  readonly toolCount: number
}) =>
  Effect.gen(function*() {
    const { config, dev, upstreams } = options
    // The bound address itself ("localhost" may resolve to ::1 first, where nothing listens), or PUBLIC_URL.
    const identity = resourceIdentityOf(config)
    const baseUrl = identity.canonical
    const mcpUrl = `${baseUrl}/mcp`
    yield* Console.log(
      `mana-mcp listening on ${mcpUrl} (${options.toolCount} tools, POLICY_MODE=${config.policyMode}${
        config.gatewayProcesses > 1 ? `, ${config.gatewayProcesses} processes` : ""
      })`
    )
    const audience = describeResourceIdentity(identity, config.host)
    yield* Console.log(audience.line)
    if (audience.warning !== undefined) yield* Effect.logWarning(audience.warning)
    yield* Console.log(`  mana-auth: ${upstreams.authUrl}\n  mana-sync: ${upstreams.syncUrl}`)
    yield* Console.log(
      [
        "",
        "Connect an OAuth-capable MCP client by URL alone (it signs you in and lets you pick a space):",
        `  Claude Code:       claude mcp add --transport http mana ${mcpUrl}`,
        `  custom connector:  ${mcpUrl}`
      ].join("\n")
    )
    if (Option.isNone(dev)) {
      yield* Console.log(
        `MANA_MCP_READY ${JSON.stringify({ mcpUrl, baseUrl, authUrl: upstreams.authUrl, syncUrl: upstreams.syncUrl })}`
      )
      return
    }
    const issued = yield* dev.value.devAuth.issueToken("dev@mana.test", devTokenTtl).pipe(Effect.option)
    yield* Console.log(
      "  local mode (embedded dev mana-auth and mana-sync): sign in as dev@mana.test or zk@mana.test, password devpassword; both share the Dev Team space"
    )
    if (Option.isSome(issued)) {
      const { accessToken, personalSpaceId } = issued.value
      const mcpJson = {
        mcpServers: {
          mana: {
            type: "http",
            url: mcpUrl,
            headers: { Authorization: `Bearer ${accessToken}`, "X-Mana-Space": personalSpaceId }
          }
        }
      }
      yield* Console.log(
        `\nFor scripts without OAuth: a static token for dev@mana.test (valid ${
          Duration.format(devTokenTtl)
        }) and its personal space ${personalSpaceId}.`
      )
      yield* Console.log(`Paste into .mcp.json or your MCP client's config:\n${JSON.stringify(mcpJson, null, 2)}\n`)
      yield* Console.log(
        `MANA_MCP_READY ${
          JSON.stringify({
            mcpUrl,
            baseUrl,
            authUrl: upstreams.authUrl,
            syncUrl: upstreams.syncUrl,
            devToken: accessToken,
            devSpaceId: personalSpaceId
          })
        }`
      )
    } else {
      yield* Console.log(
        `MANA_MCP_READY ${JSON.stringify({ mcpUrl, baseUrl, authUrl: upstreams.authUrl, syncUrl: upstreams.syncUrl })}`
      )
    }
  })
