/**
 * What a browser sign-in test needs besides the gateway: headless Chromium (Debian's, with the
 * flags this machine's closed network needs) and the OAuth client's loopback redirect (RFC 8252),
 * a server that records every `/callback` it gets. `stop` closes both, each on its own.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { type Browser, chromium } from "playwright-core"
import { chromiumBinary, requireBinary } from "../harness/systemBinaries.ts"

export interface SignInBrowser {
  readonly browser: Browser
  readonly callbackUrl: string
  /** Query parameters of every `/callback` the browser landed on, in order. */
  readonly callbacks: ReadonlyArray<URLSearchParams>
  readonly stop: () => Promise<void>
}

export const startSignInBrowser = async (): Promise<SignInBrowser> => {
  const browser = await chromium.launch({
    executablePath: requireBinary(chromiumBinary),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync"
    ]
  })
  const callbacks: Array<URLSearchParams> = []
  const callbackServer = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1")
    // Chromium also asks for /favicon.ico.
    if (url.pathname === "/callback") callbacks.push(url.searchParams)
    response.writeHead(200, { "content-type": "text/html" }).end("<p>Signed in. You can close this window.</p>")
  })
  await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve))
  return {
    browser,
    callbackUrl: `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`,
    callbacks,
    stop: async () => {
      await browser.close().catch(() => undefined)
      await new Promise<void>((resolve) => callbackServer.close(() => resolve()))
    }
  }
}
