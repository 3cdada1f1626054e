/**
 * The MCP authorization flow end to end, as a newcomer's OAuth-capable client would do it: the
 * real `npm start`, the MCP SDK client's own OAuth support (discovery, dynamic registration,
 * PKCE, the authorize URL), and headless Chromium signing in on the consent page, choosing the
 * shared Dev Team space and read-only access. Then: habits of that space are listed,
 * `habits.create` is refused with insufficient_scope, and once the short-lived access token has
 * expired the client refreshes inside the same MCP session and carries on. The test also renders
 * docs/img/oauth-consent.png, so the picture in the docs is always the page as it is.
 */
import {
  Client,
  InsufficientScopeError,
  StreamableHTTPClientTransport,
  UnauthorizedError
} from "@modelcontextprotocol/client"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { repoRoot } from "../harness/gatewayProcess.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectModern, structured } from "../support/mcpClients.ts"
import { MemoryOAuthProvider } from "../support/memoryOAuthProvider.ts"
import { type SignInBrowser, startSignInBrowser } from "../support/signInBrowser.ts"

const accessTtlSeconds = 5

interface Seen {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly body: string
}

let gateway: Gateway
let signIn: SignInBrowser

beforeAll(async () => {
  // One at a time, each assigned as soon as it runs, so afterAll stops whatever did start.
  gateway = await startGateway({ DEV_OAUTH_ACCESS_TTL: `${accessTtlSeconds}s`, JWT_CLOCK_TOLERANCE: "0s" })
  signIn = await startSignInBrowser()
})
afterAll(async () => {
  await signIn?.stop()
  await gateway?.stop()
})

const devSpaces = async () =>
  (await (await fetch(`${gateway.authUrl}/api/auth/organization/list`, {
    headers: { authorization: `Bearer ${gateway.devToken}` }
  })).json()) as Array<{ id: string; name: string }>

describe("MCP authorization flow with a real browser", () => {
  it("signs in, picks the shared space read-only, lists its habits, is refused writes, refreshes after expiry", async () => {
    // Something to find in the shared space, and something that must not show up from the personal one.
    const shared = (await devSpaces()).find((space) => space.name === "Dev Team")
    expect(shared).toBeDefined()
    const seeded = await connectModern(gateway.mcpUrl, { token: gateway.devToken ?? "", spaceId: shared?.id ?? "" })
    await structured(seeded.client, "habits.create", { title: "Team stand-up" })
    await seeded.client.close()
    const personal = await connectModern(gateway.mcpUrl, {
      token: gateway.devToken ?? "",
      spaceId: gateway.devSpaceId ?? ""
    })
    await structured(personal.client, "habits.create", { title: "Private stretch" })
    await personal.client.close()

    const provider = new MemoryOAuthProvider(signIn.callbackUrl)
    const seen: Array<Seen> = []
    const recordingFetch = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init)
      const url = input instanceof Request ? input.url : String(input)
      seen.push({ method: init?.method ?? "GET", url, status: response.status, body: String(init?.body ?? "") })
      return response
    }

    // 1. No token: the SDK discovers, registers and sends the user to the authorize URL.
    const first = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), {
      authProvider: provider,
      fetch: recordingFetch
    })
    await expect(new Client({ name: "oauth-e2e", version: "1.0.0" }).connect(first)).rejects.toBeInstanceOf(
      UnauthorizedError
    )
    expect(provider.authorizationUrls).toHaveLength(1)
    const authorizeUrl = provider.authorizationUrls[0] ?? new URL("about:blank")
    expect(authorizeUrl.origin).toBe(gateway.authUrl)
    expect(authorizeUrl.searchParams.get("resource")).toBe(gateway.mcpUrl)
    expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256")
    expect(seen.some((entry) => entry.url === `${gateway.authUrl}/oauth/register` && entry.status === 201)).toBe(true)

    // 2. The browser: sign in, choose the space and read-only access, allow.
    const context = await signIn.browser.newContext({ viewport: { width: 420, height: 900 }, deviceScaleFactor: 1 })
    const page = await context.newPage()
    await page.goto(authorizeUrl.href)
    await expect(page.getByRole("heading", { name: "Sign in to Mana" }).isVisible()).resolves.toBe(true)
    await expect(page.getByText("Example MCP client").isVisible()).resolves.toBe(true)
    await page.getByLabel("Email").fill("dev@mana.test")
    await page.getByLabel("Password").fill("devpassword")
    await page.getByRole("button", { name: "Sign in" }).click()
    await page.getByRole("heading", { name: "Allow access to Mana?" }).waitFor()
    await page.screenshot({ path: join(repoRoot, "docs", "img", "oauth-consent.png"), fullPage: true })
    await page.getByRole("radio", { name: /Dev Team/ }).check()
    await page.getByRole("checkbox", { name: /mana\.write/ }).uncheck()
    await expect(page.getByRole("checkbox", { name: /mana\.read/ }).isChecked()).resolves.toBe(true)
    await page.getByRole("button", { name: "Allow" }).click()
    await page.waitForURL((url) => url.href.startsWith(signIn.callbackUrl))
    await context.close()
    const callback = signIn.callbacks.at(-1) ?? new URLSearchParams()
    expect(callback.get("error")).toBeNull()
    await first.finishAuth(callback)
    expect(provider.tokens()?.scope).toBe("mana.read")

    // 3. Connected by URL alone: no X-Mana-Space, the grant names the space.
    const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), {
      authProvider: provider,
      onInsufficientScope: "throw",
      fetch: recordingFetch
    })
    const client = new Client({ name: "oauth-e2e", version: "1.0.0" })
    await client.connect(transport)
    const sessionId = transport.sessionId
    expect(sessionId).toBeTruthy()
    const titles = (await structured(client, "habits.list"))["habits"].map((habit: { title: string }) => habit.title)
    expect(titles).toContain("Team stand-up")
    expect(titles).not.toContain("Private stretch")

    // 4. Read-only: a write is refused at the HTTP level with the scope it needs.
    const refused = await client.callTool({ name: "habits.create", arguments: { title: "Nope" } }).catch((e) => e)
    expect(refused).toBeInstanceOf(InsufficientScopeError)
    expect((refused as InsufficientScopeError).requiredScope).toBe("mana.write")

    // 5. After the access token expires, the same session refreshes and carries on.
    const issuedAt = provider.savedTokens.at(-1)?.at ?? Date.now()
    const before = provider.savedTokens.length
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, issuedAt + accessTtlSeconds * 1000 + 1500 - Date.now()))
    )
    const seenBefore = seen.length
    const again = (await structured(client, "habits.list"))["habits"].map((habit: { title: string }) => habit.title)
    expect(again).toContain("Team stand-up")
    const after = seen.slice(seenBefore)
    expect(after.some((entry) => entry.url === gateway.mcpUrl && entry.status === 401)).toBe(true)
    expect(after.some((entry) => entry.url.endsWith("/oauth/token") && entry.body.includes("grant_type=refresh_token")))
      .toBe(true)
    expect(provider.savedTokens.length).toBeGreaterThan(before)
    expect(transport.sessionId).toBe(sessionId)
    await client.close()
  })
})
