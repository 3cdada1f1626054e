/**
 * `tools/list` follows the grant, end to end through `npm start` in both protocol eras: a token
 * granted `mana.read` sees only read tools, `mana.read mana.write` adds the write tools but no
 * delete tools, a first-party token (no scope claim) sees everything, always in one stable
 * order; the 2026-07-28 answer is marked `cacheScope: "private"`, `ttlMs: 0`. A call to a hidden tool still
 * gets HTTP 403 `insufficient_scope` naming the scope, so the client can step up. Tokens are
 * minted with the dev mana-auth's own key (`test/support/devTokens.ts`).
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { devTokenMinter } from "../support/devTokens.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { messageOf, postModern } from "../support/modernPost.ts"

let gateway: Gateway
let minter: Awaited<ReturnType<typeof devTokenMinter>>

beforeAll(async () => {
  gateway = await startGateway()
  minter = await devTokenMinter(gateway)
})
afterAll(async () => {
  await gateway?.stop()
})

const mint = (scope: string) =>
  minter.mint({ scope, ...(gateway.devSpaceId === undefined ? {} : { mana_space: gateway.devSpaceId }) })

const connect = async (era: "modern" | "legacy", token: string) => {
  const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), {
    requestInit: { headers: { authorization: `Bearer ${token}`, "x-mana-space": gateway.devSpaceId ?? "" } }
  })
  const client = new Client(
    { name: `e2e-granted-${era}`, version: "1.0.0" },
    era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {}
  )
  await client.connect(transport)
  return client
}

const toolNames = async (era: "modern" | "legacy", token: string) => {
  const client = await connect(era, token)
  const { tools } = await client.listTools()
  await client.close()
  return tools
}

describe.each(["modern", "legacy"] as const)("tools/list follows the grant, %s era", (era) => {
  it("shows a read-only grant only read tools, a read+write grant no delete tools, a first-party token all", async () => {
    const everything = await toolNames(era, gateway.devToken ?? "")
    const readOnly = await toolNames(era, await mint("mana.read"))
    const readWrite = await toolNames(era, await mint("mana.read mana.write"))
    expect(everything.map((tool) => tool.name)).toContain("habits.delete")
    expect(readOnly.length).toBeGreaterThan(5)
    for (const tool of readOnly) expect(tool.annotations?.readOnlyHint).toBe(true)
    expect(readOnly.map((tool) => tool.name)).toEqual(expect.arrayContaining(["habits.list", "mana.search"]))
    expect(readOnly.map((tool) => tool.name)).not.toContain("habits.create")
    expect(readWrite.map((tool) => tool.name)).toContain("habits.create")
    expect(readWrite.some((tool) => tool.annotations?.destructiveHint === true)).toBe(false)
    // One order: each list is the full list with the tools it may not see left out.
    const order = everything.map((tool) => tool.name)
    for (const list of [readOnly, readWrite]) {
      expect(list.map((tool) => tool.name)).toEqual(order.filter((name) => list.some((tool) => tool.name === name)))
    }
    expect((await toolNames(era, await mint("mana.read"))).map((tool) => tool.name)).toEqual(
      readOnly.map((tool) => tool.name)
    )
  })
})

describe("hidden tools and cache hints", () => {
  it("refuses a tool hidden from the list with HTTP 403 insufficient_scope naming the scope", async () => {
    const token = await mint("mana.read")
    expect((await toolNames("modern", token)).map((tool) => tool.name)).not.toContain("habits.delete")
    const response = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${token}`
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "habits.delete", arguments: { id: crypto.randomUUID() } }
      })
    })
    expect(response.status).toBe(403)
    expect(response.headers.get("www-authenticate")).toContain("scope=\"mana.destructive\"")
    expect(await response.json()).toMatchObject({ error: "insufficient_scope", requiredScope: "mana.destructive" })
  })

  it("marks the 2026-07-28 tools/list answer private (it varies per user) and not reusable (grants change)", async () => {
    const response = await postModern(
      gateway.mcpUrl,
      { authorization: `Bearer ${await mint("mana.read")}` },
      "tools/list"
    )
    const { result } = await messageOf<{ result: { cacheScope: string; ttlMs: number; tools: unknown[] } }>(response)
    expect(result.cacheScope).toBe("private")
    expect(result.ttlMs).toBe(0)
  })
})
