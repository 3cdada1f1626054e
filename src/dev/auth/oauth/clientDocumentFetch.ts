/**
 * Fetching a Client ID Metadata Document: the one request the dev authorization server makes to
 * an address a client names. Bounded so that a hostile `client_id` costs no more than a small
 * page: at most `maxBytes`, counted while the body streams (a larger `Content-Length` is refused
 * before reading, a body that grows past the bound is cut off there), one deadline for
 * everything from the DNS lookup to the last byte, no redirects, and — unless allowed for
 * development — only public addresses, checked on the address actually connected to (the
 * resolver's answer at connect time, so a DNS name that later points inside cannot slip past).
 * Every failure is one `DocumentUnavailable`; its `reason` is for the operator's debug log, since
 * telling a caller "refused" from "404" from "not JSON" makes this server a port scanner.
 */
import { Data, type Duration, Effect } from "effect"
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns"
import * as http from "node:http"
import * as https from "node:https"
import { isIP } from "node:net"
import { isPublicAddress } from "./publicAddress.ts"

export class DocumentUnavailable extends Data.TaggedError("DocumentUnavailable")<{
  readonly reason: "address" | "network" | "status" | "size" | "timeout"
}> {}

export interface DocumentFetchLimits {
  readonly maxBytes: number
  readonly timeout: Duration.Duration
  /** Loopback and private addresses too (local development only). */
  readonly allowPrivateAddresses: boolean
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/** `dns.lookup`, refusing the whole answer when any address in it may not be reached. */
const guardedLookup = (allowed: (address: string) => boolean, onRefused: () => void) =>
(
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback
) =>
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error !== null) return callback(error, [])
    const first = addresses[0]
    if (first === undefined || addresses.some((entry) => !allowed(entry.address))) {
      onRefused()
      return callback(Object.assign(new Error("address not allowed"), { code: "EACCES" }), [])
    }
    return options.all === true ? callback(null, addresses) : callback(null, first.address, first.family)
  })

/** The document's text (UTF-8), or `DocumentUnavailable`. Interruption closes the connection. */
export const fetchClientDocument = (
  url: URL,
  limits: DocumentFetchLimits
): Effect.Effect<string, DocumentUnavailable> =>
  Effect.async<string, DocumentUnavailable>((resume) => {
    const allowed = (address: string) => limits.allowPrivateAddresses || isPublicAddress(address)
    const literal = url.hostname.replace(/^\[(.*)\]$/, "$1")
    if (isIP(literal) !== 0 && !allowed(literal)) {
      resume(Effect.fail(new DocumentUnavailable({ reason: "address" })))
      return
    }
    let settled = false
    let refusedAddress = false
    const settle = (outcome: Effect.Effect<string, DocumentUnavailable>) => {
      if (settled) return
      settled = true
      request.destroy()
      resume(outcome)
    }
    const fail = (reason: DocumentUnavailable["reason"]) => settle(Effect.fail(new DocumentUnavailable({ reason })))
    const request = (url.protocol === "https:" ? https : http).request(url, {
      method: "GET",
      headers: { accept: "application/json" },
      // A fresh connection each time: a pooled socket would skip the address check below.
      agent: false,
      lookup: guardedLookup(allowed, () => {
        refusedAddress = true
      })
    }, (response) => {
      // No redirects: a 3xx is as unusable as a 404.
      if (response.statusCode !== 200) return fail("status")
      const declared = Number(response.headers["content-length"] ?? "0")
      if (declared > limits.maxBytes) return fail("size")
      const chunks: Array<Buffer> = []
      let received = 0
      response.on("data", (chunk: Buffer) => {
        received += chunk.length
        if (received > limits.maxBytes) return fail("size")
        chunks.push(chunk)
      })
      response.on("end", () => settle(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
      response.on("error", () => fail("network"))
    })
    request.on("error", () => fail(refusedAddress ? "address" : "network"))
    request.end()
    return Effect.sync(() => {
      settled = true
      request.destroy()
    })
  }).pipe(
    Effect.timeoutFail({
      duration: limits.timeout,
      onTimeout: () => new DocumentUnavailable({ reason: "timeout" })
    })
  )
