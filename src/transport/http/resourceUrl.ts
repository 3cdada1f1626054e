/**
 * The gateway's OAuth resource identity (RFC 8707 / RFC 9728), fixed at start and never taken
 * from a request: the resource URL is a public base plus `/mcp`, where the bases are PUBLIC_URL's
 * origin, or — without it — the bound host and port (for a loopback or wildcard bind, each
 * loopback spelling of that port, since clients may say `localhost` or `127.0.0.1` and an
 * authorization server must know in advance which `resource` values belong to this gateway). A
 * request may pick one of these bases by the origin it was addressed to (an MCP client checks the
 * RFC 9728 `resource` against the URL it used); any other `Host` gets the canonical one, so a
 * token minted for another gateway never matches here, whatever the request claims. Pure.
 */
import { Option } from "effect"
import { isLoopbackHostname } from "./originGuard.ts"

export const mcpPath = "/mcp"

export const resourceUrlOf = (publicBase: string): string => `${publicBase}${mcpPath}`

const loopbackNames = ["127.0.0.1", "localhost", "[::1]"]

export interface ResourceIdentity {
  /** The base named when a request's origin is not one of `bases` (and printed at start). */
  readonly canonical: string
  /** Every base (`scheme://host:port`) this gateway's resource URL may have; `canonical` first. */
  readonly bases: ReadonlyArray<string>
  readonly source: "PUBLIC_URL" | "bound address"
}

export interface IdentitySettings {
  readonly publicUrl: Option.Option<URL>
  /** The bind address (HOST). */
  readonly host: string
  /** The port actually bound (not 0). */
  readonly port: number
}

const bracketed = (host: string) => host.includes(":") && !host.startsWith("[") ? `[${host}]` : host

/** True when HOST makes the gateway reachable from other machines. */
export const bindsBeyondLoopback = (host: string) => !isLoopbackHostname(bracketed(host))

export const resourceIdentityOf = (settings: IdentitySettings): ResourceIdentity =>
  Option.match(settings.publicUrl, {
    onSome: (url) => ({ canonical: url.origin, bases: [url.origin], source: "PUBLIC_URL" }),
    onNone: () => {
      // A wildcard bind is reached locally through loopback; the banner prints the same address.
      const bound = settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host === "::" ? "::1" : settings.host
      const host = bracketed(bound).toLowerCase()
      const names = isLoopbackHostname(host) ? [host, ...loopbackNames.filter((name) => name !== host)] : [host]
      const bases = names.map((name) => `http://${name}:${settings.port}`)
      return { canonical: bases[0] ?? `http://${host}:${settings.port}`, bases, source: "bound address" }
    }
  })

/** The base for a request addressed to `requestUrl`: its own origin if that is one of ours, else the canonical one. */
export const publicBaseFor = (identity: ResourceIdentity, requestUrl: string): string => {
  if (!URL.canParse(requestUrl)) return identity.canonical
  const origin = new URL(requestUrl).origin
  return identity.bases.includes(origin) ? origin : identity.canonical
}

/** Every resource URL clients may know this gateway by, for the authorization server's allow-list. */
export const gatewayResourceUrls = (settings: IdentitySettings): ReadonlyArray<string> =>
  resourceIdentityOf(settings).bases.map(resourceUrlOf)

/** What the gateway says at start about the audience it accepts, and a warning when that cannot serve remote clients. */
export const describeResourceIdentity = (identity: ResourceIdentity, host: string) => {
  const others = identity.bases.slice(1).map(resourceUrlOf)
  const line = `  OAuth resource (accepted token audience): ${resourceUrlOf(identity.canonical)}, from ${
    identity.source === "PUBLIC_URL" ? "PUBLIC_URL" : `the bound address (HOST=${host}; PUBLIC_URL is not set)`
  }${others.length > 0 ? `; also as ${others.join(", ")}` : ""}`
  const warning = identity.source === "bound address" && bindsBeyondLoopback(host)
    ? `HOST=${host} accepts connections from other machines, but PUBLIC_URL is not set: tokens are accepted only for ${
      identity.bases.map(resourceUrlOf).join(", ")
    }, and clients reaching this gateway by another name cannot sign in; set PUBLIC_URL to the URL clients use`
    : undefined
  return { line, warning }
}
