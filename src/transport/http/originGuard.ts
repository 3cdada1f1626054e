/**
 * DNS-rebinding protection and CORS for `/mcp`. A request whose `Origin` is present and not an
 * allowed origin gets 403; when the gateway is bound to loopback, a loopback `Origin` (any port)
 * is not a rebinding attempt and passes, and a `Host` that is not a local name (or an explicitly
 * allowed host) gets 403 — the attack is a hostile page resolving its own domain to 127.0.0.1.
 * CORS answers only allowed origins, so browsers still cannot call from unlisted local pages.
 */
import { ForbiddenHost, ForbiddenOrigin } from "./HttpFailure.ts"

export interface OriginPolicy {
  readonly allowedOrigins: ReadonlySet<string>
  /** `undefined`: Host is not checked (bound to a public interface, behind a proxy). */
  readonly allowedHostnames: ReadonlySet<string> | undefined
}

/**
 * A loopback name or literal: `localhost`, `127.x.x.x`, `::1` (bracketed or not). A strict
 * dotted-quad test, not a `127.` prefix, so `127.evil.example` is not loopback.
 */
export const isLoopbackHostname = (hostname: string): boolean => {
  const name = hostname.toLowerCase()
  return name === "localhost" || name === "::1" || name === "[::1]" || name === "0:0:0:0:0:0:0:1" ||
    /^127(?:\.\d{1,3}){3}$/.test(name)
}

export const makeOriginPolicy = (options: {
  readonly corsOrigins: ReadonlyArray<string>
  readonly bindHost: string
  readonly extraHosts: ReadonlyArray<string>
  readonly publicUrl: URL | undefined
}): OriginPolicy => ({
  allowedOrigins: new Set(options.corsOrigins),
  allowedHostnames: isLoopbackHostname(options.bindHost)
    ? new Set([
      "localhost",
      "127.0.0.1",
      "[::1]",
      ...options.extraHosts.map((host) => host.toLowerCase()),
      ...(options.publicUrl === undefined ? [] : [options.publicUrl.hostname.toLowerCase()])
    ])
    : undefined
})

const hostnameOf = (host: string): string => {
  // Host is `name[:port]` or `[v6][:port]`.
  const bracket = /^(\[[^\]]+\])(?::\d+)?$/.exec(host)
  if (bracket?.[1] !== undefined) return bracket[1].toLowerCase()
  return host.replace(/:\d+$/, "").toLowerCase()
}

/**
 * A loopback page cannot be a rebinding attacker (its origin names the attacker's domain), so a
 * loopback-bound gateway accepts loopback origins like the SDK's `localhostAllowedOrigins()` does.
 */
const isLoopbackOrigin = (origin: string): boolean => {
  if (!URL.canParse(origin)) return false
  const url = new URL(origin)
  return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHostname(url.hostname)
}

/** Why the request fails the Origin/Host checks (a 403), otherwise `undefined`. */
export const rejectForeignOrigin = (
  policy: OriginPolicy,
  request: Request
): ForbiddenOrigin | ForbiddenHost | undefined => {
  const origin = request.headers.get("origin")
  const loopbackOk = policy.allowedHostnames !== undefined && origin !== null && isLoopbackOrigin(origin)
  if (origin !== null && !policy.allowedOrigins.has(origin) && !loopbackOk) {
    return new ForbiddenOrigin({ origin, allowedOrigins: [...policy.allowedOrigins] })
  }
  if (policy.allowedHostnames !== undefined) {
    const host = request.headers.get("host")
    if (host === null || !policy.allowedHostnames.has(hostnameOf(host))) {
      return new ForbiddenHost({ host: host ?? "" })
    }
  }
  return undefined
}

const allowHeaders =
  "authorization, content-type, x-mana-space, mcp-session-id, mcp-protocol-version, last-event-id, mcp-method, mcp-name, traceparent, tracestate"
const exposeHeaders = "mcp-session-id, mcp-protocol-version, www-authenticate"

/** CORS headers for an allowed origin (none otherwise: the browser then blocks the read). */
export const corsHeaders = (policy: OriginPolicy, request: Request): Record<string, string> => {
  const origin = request.headers.get("origin")
  if (origin === null || !policy.allowedOrigins.has(origin)) return {}
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": exposeHeaders,
    vary: "Origin"
  }
}

export const preflightResponse = (policy: OriginPolicy, request: Request): Response =>
  new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(policy, request),
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-headers": allowHeaders,
      "access-control-max-age": "600"
    }
  })

/** Returns a copy of `response` with extra headers (SDK responses may have immutable headers). */
export const withHeaders = (response: Response, headers: Record<string, string>): Response => {
  if (Object.keys(headers).length === 0) return response
  const merged = new Headers(response.headers)
  for (const [name, value] of Object.entries(headers)) merged.set(name, value)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged })
}
