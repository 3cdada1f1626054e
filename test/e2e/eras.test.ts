/**
 * Both protocol eras on one `/mcp`, against one gateway started with `npm start` in enforce
 * mode: the banner's `.mcp.json` works with the SDK client; a 2026-07-28 client (pinned) and a 2025
 * session client share one registry, one auth path, one policy gate, one set of metrics, and each
 * other's data. The transport's rules are tested in-process in `test/transport/`.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern, structured } from "../support/mcpClients.ts"
import { metricValue } from "../support/prometheus.ts"

let gateway: Gateway
let user: DevUser
let modern: Client
let legacy: Client

const scrape = async () => (await fetch(`${gateway.baseUrl}/metrics`)).text()

beforeAll(async () => {
  gateway = await startGateway({ POLICY_MODE: "enforce" })
  user = await registerUser(gateway.authUrl)
  const credentials = { token: user.accessToken, spaceId: user.personalSpaceId }
  modern = (await connectModern(gateway.mcpUrl, credentials)).client
  legacy = (await connectLegacy(gateway.mcpUrl, credentials)).client
})
afterAll(async () => {
  await modern?.close()
  await legacy?.close()
  await gateway?.stop()
})

describe("the banner", () => {
  it("prints a working .mcp.json: the SDK client connects with the printed token and space, pings and lists tools", async () => {
    expect(gateway.output()).toContain("\"mcpServers\"")
    expect(gateway.devToken).toBeTruthy()
    const { client } = await connectLegacy(gateway.mcpUrl, {
      token: gateway.devToken ?? "",
      spaceId: gateway.devSpaceId ?? ""
    })
    await client.ping()
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toContain("spaces.list")
    await client.close()
  })
})

describe("both eras on one /mcp", () => {
  it("serves the same tool list to both eras", async () => {
    const [modernTools, legacyTools] = await Promise.all([modern.listTools(), legacy.listTools()])
    expect(modernTools.tools.map((t) => t.name)).toEqual(legacyTools.tools.map((t) => t.name))
    expect(modernTools.tools.length).toBeGreaterThanOrEqual(11)
  })

  it("runs create → list on habits and todo in both eras, each seeing the other's writes", async () => {
    const fromModern = (await structured(modern, "habits.create", { title: "Modern habit" })).habit
    const fromLegacy = (await structured(legacy, "habits.create", { title: "Legacy habit" })).habit
    for (const client of [modern, legacy]) {
      const ids = (await structured(client, "habits.list")).habits.map((h: { id: string }) => h.id)
      expect(ids).toEqual(expect.arrayContaining([fromModern.id, fromLegacy.id]))
    }
    const modernTask = (await structured(modern, "todo.create", { title: "Modern task" })).task
    const legacyTask = (await structured(legacy, "todo.create", { title: "Legacy task" })).task
    for (const client of [modern, legacy]) {
      const titles = (await structured(client, "todo.list")).tasks.map((t: { id: string }) => t.id)
      expect(titles).toEqual(expect.arrayContaining([modernTask.id, legacyTask.id]))
    }
  })
})

describe("policy gate in enforce mode, both eras", () => {
  const denyCount = (text: string) =>
    metricValue(text, "mana_mcp_policy_decisions_total", {
      decision: "deny",
      reason: "rate-limit-exceeded",
      mode: "enforce"
    })

  it("denies the 31st habits.list within a minute (2025 session) and counts it", async () => {
    const other = await registerUser(gateway.authUrl)
    const client =
      (await connectLegacy(gateway.mcpUrl, { token: other.accessToken, spaceId: other.personalSpaceId })).client
    const before = await scrape()
    for (let call = 1; call <= 30; call++) {
      const result = await client.callTool({ name: "habits.list", arguments: {} })
      expect(result.isError, `call ${call}`).not.toBe(true)
    }
    const denied = await client.callTool({ name: "habits.list", arguments: {} })
    expect(denied.isError).toBe(true)
    expect(JSON.stringify(denied.content)).toContain("Tool habits.list not allowed: rate-limit-exceeded:")
    const after = await scrape()
    expect(denyCount(after) - denyCount(before)).toBe(1)
    const success = (text: string) =>
      metricValue(text, "mana_mcp_tool_invocations_total", { tool: "habits.list", outcome: "success" })
    expect(success(after) - success(before)).toBe(30)
    expect(
      metricValue(after, "mana_mcp_policy_decisions_total", { decision: "allow", reason: "clean", mode: "enforce" })
    ).toBeGreaterThanOrEqual(30)
    expect(metricValue(after, "mana_mcp_tool_duration_seconds_count", { tool: "habits.list", outcome: "success" }))
      .toBeGreaterThanOrEqual(30)
    expect(
      metricValue(after, "mana_mcp_tool_duration_seconds_bucket", {
        tool: "habits.list",
        outcome: "success",
        le: "+Inf"
      })
    ).toBeGreaterThanOrEqual(30)
    await client.close()
  })

  it("denies the 31st call on the modern path too", async () => {
    const other = await registerUser(gateway.authUrl)
    const client =
      (await connectModern(gateway.mcpUrl, { token: other.accessToken, spaceId: other.personalSpaceId })).client
    for (let call = 1; call <= 30; call++) {
      expect((await client.callTool({ name: "spaces.list", arguments: {} })).isError).not.toBe(true)
    }
    const denied = await client.callTool({ name: "spaces.list", arguments: {} })
    expect(denied.isError).toBe(true)
    expect(JSON.stringify(denied.content)).toContain("rate-limit-exceeded")
    await client.close()
  })
})

describe("process metrics on Bun", () => {
  it("reports the heap as the JavaScript heap: above zero and below the resident memory", async () => {
    const text = await scrape()
    const heap = metricValue(text, "mana_mcp_process_heap_bytes")
    const resident = metricValue(text, "mana_mcp_process_resident_memory_bytes")
    expect(resident).toBeGreaterThan(0)
    expect(heap).toBeGreaterThan(0)
    // prom-client's default read VmData (address space JavaScriptCore reserves): gigabytes at ~0.1 GB RSS.
    expect(heap).toBeLessThan(resident)
    expect(metricValue(text, "mana_mcp_nodejs_heap_size_total_bytes")).toBeLessThanOrEqual(heap)
  })
})
