/**
 * Step-up sign-in end to end, in both protocol eras, with the real `npm start`, the MCP SDK
 * client's own OAuth support and headless Chromium: the user grants read-only access; the agent's
 * tool list shows no write tools; a call to `habits.create` gets `insufficient_scope`, the SDK
 * client re-authorizes asking for `mana.read mana.write`; the consent page shows read as already
 * granted and write as new, with the space chosen before; the user allows; the retried call
 * succeeds on the same client (and, in the 2025 era, the same MCP session) and the tool list now
 * has the write tools.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { structured } from "../support/mcpClients.ts"
import { MemoryOAuthProvider } from "../support/memoryOAuthProvider.ts"
import { type SignInBrowser, startSignInBrowser } from "../support/signInBrowser.ts"

let gateway: Gateway
let signIn: SignInBrowser

beforeAll(async () => {
  // One at a time, each assigned as soon as it runs, so afterAll stops whatever did start.
  gateway = await startGateway()
  signIn = await startSignInBrowser()
})
afterAll(async () => {
  await signIn?.stop()
  await gateway?.stop()
})

/** Signs in on the authorize page and answers the consent page; `consent` inspects it first. */
const signInAndAllow = async (
  url: URL,
  consent: (page: Page) => Promise<void>
): Promise<URLSearchParams> => {
  const context = await signIn.browser.newContext()
  const page = await context.newPage()
  await page.goto(url.href)
  await page.getByLabel("Email").fill("dev@mana.test")
  await page.getByLabel("Password").fill("devpassword")
  await page.getByRole("button", { name: "Sign in" }).click()
  await page.getByRole("heading", { name: "Allow access to Mana?" }).waitFor()
  await consent(page)
  const before = signIn.callbacks.length
  await page.getByRole("button", { name: "Allow" }).click()
  await page.waitForURL((landed) => landed.href.startsWith(signIn.callbackUrl))
  await context.close()
  expect(signIn.callbacks.length).toBe(before + 1)
  return signIn.callbacks.at(-1) ?? new URLSearchParams()
}

const names = async (client: Client) => (await client.listTools()).tools.map((tool) => tool.name)

describe.each(["legacy", "modern"] as const)("step-up sign-in, %s era", (era) => {
  it("read-only grant → insufficient_scope → re-consent showing granted and new → the retried write succeeds", async () => {
    const provider = new MemoryOAuthProvider(signIn.callbackUrl)
    const options = era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" as const } } } : {}

    // 1. First sign-in: Dev Team, read only.
    const first = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { authProvider: provider })
    await expect(new Client({ name: `step-up-${era}`, version: "1.0.0" }, options).connect(first)).rejects
      .toBeInstanceOf(UnauthorizedError)
    const signedIn = await signInAndAllow(provider.authorizationUrls[0] ?? new URL("about:blank"), async (page) => {
      await expect(page.getByText(/already granted/).count()).resolves.toBe(0)
      await page.getByRole("radio", { name: /Dev Team/ }).check()
      await page.getByRole("checkbox", { name: /mana\.write/ }).uncheck()
    })
    await first.finishAuth(signedIn)
    expect(provider.tokens()?.scope).toBe("mana.read")

    // 2. One client for the rest: the read-only list has no write tools.
    const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { authProvider: provider })
    const client = new Client({ name: `step-up-${era}`, version: "1.0.0" }, options)
    await client.connect(transport)
    const sessionId = transport.sessionId
    expect(await names(client)).not.toContain("habits.create")
    expect(await names(client)).toContain("habits.list")

    // 3. The write: insufficient_scope, and the SDK sends the user to authorize read + write.
    const title = `Stepped up ${era}`
    await expect(client.callTool({ name: "habits.create", arguments: { title } })).rejects.toBeInstanceOf(
      UnauthorizedError
    )
    const stepUpUrl = provider.authorizationUrls.at(-1) ?? new URL("about:blank")
    expect(provider.authorizationUrls).toHaveLength(2)
    expect(stepUpUrl.searchParams.get("scope")?.split(" ").sort()).toEqual(["mana.read", "mana.write"])

    // 4. The consent page: read already granted, write new, the space chosen before.
    const steppedUp = await signInAndAllow(stepUpUrl, async (page) => {
      await expect(page.getByText(/It now asks for more: mana\.write/).isVisible()).resolves.toBe(true)
      await expect(page.getByRole("checkbox", { name: /mana\.read · already granted/ }).isChecked()).resolves.toBe(
        true
      )
      await expect(page.getByRole("checkbox", { name: /mana\.write · new/ }).isChecked()).resolves.toBe(true)
      await expect(page.getByRole("radio", { name: /Dev Team/ }).isChecked()).resolves.toBe(true)
    })
    await transport.finishAuth(steppedUp)
    expect(provider.tokens()?.scope).toBe("mana.read mana.write")

    // 5. The retried call succeeds on the same client (same session in the 2025 era).
    const { habit } = await structured(client, "habits.create", { title })
    expect(habit.title).toBe(title)
    expect(transport.sessionId).toBe(sessionId)
    expect(await names(client)).toContain("habits.create")
    const listed = (await structured(client, "habits.list"))["habits"].map((h: { title: string }) => h.title)
    expect(listed).toContain(title)
    await client.close()
  })
})
