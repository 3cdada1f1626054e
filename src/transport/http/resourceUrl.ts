/**
 * The gateway's OAuth resource identity (RFC 8707 / RFC 9728): its resource URL is the public
 * base plus `/mcp`. With PUBLIC_URL that is one URL; without it, each loopback spelling of the
 * bound port (clients may say `localhost` or `127.0.0.1`), since an authorization server must
 * know in advance which `resource` values belong to this gateway. Pure.
 */
import { Option } from "effect"
import { isLoopbackHostname } from "./originGuard.ts"

export const mcpPath = "/mcp"

export const resourceUrlOf = (publicBase: string): string => `${publicBase}${mcpPath}`

const loopbackNames = ["127.0.0.1", "localhost", "[::1]"]

/** Every resource URL clients may know this gateway by, for the authorization server's allow-list. */
export const gatewayResourceUrls = (
  options: { readonly publicUrl: Option.Option<URL>; readonly host: string; readonly port: number }
): ReadonlyArray<string> =>
  Option.match(options.publicUrl, {
    onSome: (url) => [resourceUrlOf(url.origin)],
    onNone: () => {
      const host = options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host
      const wildcard = host === "0.0.0.0" || host === "[::]"
      const names = isLoopbackHostname(host) || wildcard ? loopbackNames : [host]
      return names.map((name) => resourceUrlOf(`http://${name}:${options.port}`))
    }
  })
