/**
 * Redirect URI rules of the dev authorization server: which URIs a client may register (https,
 * http on a loopback host, or a private-use scheme such as `com.example.app:/callback`; never a
 * fragment) and whether an `/authorize` request's `redirect_uri` matches a registered one —
 * exact string match, except that a loopback `http` redirect may use any port (RFC 8252 §7.3).
 */

const loopbackHosts = new Set(["127.0.0.1", "[::1]", "localhost"])

const isLoopbackHttp = (url: URL) => url.protocol === "http:" && loopbackHosts.has(url.hostname)

/** Why `raw` cannot be registered as a redirect URI, or undefined when it can. */
export const redirectUriProblem = (raw: string): string | undefined => {
  if (!URL.canParse(raw)) return `${JSON.stringify(raw)} is not an absolute URI`
  const url = new URL(raw)
  if (url.hash !== "" || raw.includes("#")) return `${JSON.stringify(raw)} has a fragment`
  if (url.protocol === "https:" || isLoopbackHttp(url)) return undefined
  if (url.protocol === "http:") return `${JSON.stringify(raw)} uses http on a non-loopback host; use https`
  // RFC 8252 §7.1: private-use schemes are reverse domain names, so they contain a dot.
  const scheme = url.protocol.slice(0, -1)
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+$/.test(scheme)) return undefined
  return `${
    JSON.stringify(raw)
  } uses the scheme "${scheme}"; accepted: https, http on loopback, or a reverse-domain private-use scheme`
}

/** True when `requested` is one of `registered`, with any port allowed for loopback http. */
export const redirectUriMatches = (registered: ReadonlyArray<string>, requested: string): boolean => {
  if (registered.includes(requested)) return true
  if (!URL.canParse(requested)) return false
  const wanted = new URL(requested)
  if (!isLoopbackHttp(wanted)) return false
  return registered.some((entry) => {
    if (!URL.canParse(entry)) return false
    const candidate = new URL(entry)
    return isLoopbackHttp(candidate) && candidate.hostname === wanted.hostname &&
      candidate.pathname === wanted.pathname && candidate.search === wanted.search &&
      candidate.username === wanted.username && candidate.password === wanted.password
  })
}
