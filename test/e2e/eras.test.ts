/**
 * Both protocol eras on one `/mcp`, against one gateway started with `npm start` in enforce
 * mode: a 2026-07-28 client (pinned) and a 2025 session client share one registry, one auth path,
 * one policy gate, one set of metrics, and each other's data. Modern traffic holds no session.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern, headersFor, structured } from "../support/mcpClients.ts"

let gateway: Gateway
let user: DevUser
let modern: Client
let legacy: Client

const metricValue = (text: string, name: string, labels: Record<string, string>): number => {
  const line = text.split("\n").find((candidate) =>
    candidate.startsWith(`${name}{`) &&
    Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`))
  )
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1))
}
const scrape = async () => (await fetch(`${gateway.baseUrl}/metrics`)).text()

const modernEnvelope = (version: string) => ({
  "io.modelcontextprotocol/protocolVersion": version,
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {}
})
const rawModern = (method: string, version: string, headers: Record<string, string>) =>
  fetch(gateway.mcpUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": version,
      "mcp-method": method,
      ...headers
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params: { _meta: modernEnvelope(version) } })
  })

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

describe("both eras on one /mcp", () => {
  it("gives tools/list a cache hint on the modern era (the list only changes with a deploy)", async () => {
    const response = await rawModern(
      "tools/list",
      "2026-07-28",
      headersFor({ token: user.accessToken, spaceId: user.personalSpaceId })
    )
    const body = await response.json()
    expect(body.result.ttlMs).toBeGreaterThan(0)
    expect(body.result.cacheScope).toBe("public")
  })

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

  it("answers an unauthenticated modern request with the same 401 challenge as the 2025 path", async () => {
    const modernResponse = await rawModern("tools/list", "2026-07-28", {})
    const legacyResponse = await fetch(gateway.mcpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
      })
    })
    expect(modernResponse.status).toBe(401)
    expect(legacyResponse.status).toBe(401)
    expect(modernResponse.headers.get("www-authenticate")).toBe(legacyResponse.headers.get("www-authenticate"))
    expect(modernResponse.headers.get("www-authenticate")).toContain("resource_metadata=")
  })

  it("answers a request naming an unsupported revision with the SDK's unsupported-version error", async () => {
    const response = await rawModern(
      "tools/list",
      "2099-01-01",
      headersFor({ token: user.accessToken, spaceId: user.personalSpaceId })
    )
    const body = await response.json()
    expect(body.error.code).toBe(-32022)
    expect(JSON.stringify(body.error.data)).toContain("2026-07-28")
  })

  it("never touches the session store for modern traffic (1,000 calls)", async () => {
    const before = await scrape()
    const sessions = metricValue(before, "mana_mcp_sessions_active", {})
    const requestsBefore = metricValue(before, "mana_mcp_requests_total", { era: "modern", method: "tools/list" })
    // Raw requests: the SDK client would (rightly) serve repeats from its tools/list cache.
    const credentials = headersFor({ token: user.accessToken, spaceId: user.personalSpaceId })
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => rawModern("tools/list", "2026-07-28", credentials))
      )
      for (const response of responses) {
        expect(response.status).toBe(200)
        expect(response.headers.get("mcp-session-id")).toBeNull()
        await response.body?.cancel()
      }
    }
    const after = await scrape()
    expect(metricValue(after, "mana_mcp_sessions_active", {})).toBe(sessions)
    expect(metricValue(after, "mana_mcp_requests_total", { era: "modern", method: "tools/list" }) - requestsBefore)
      .toBe(1000)
    expect(metricValue(after, "mana_mcp_requests_total", { era: "legacy", method: "tools/call" })).toBeGreaterThan(0)
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
