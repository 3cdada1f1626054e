/**
 * Per-user admission must not cut into normal loads (issue #28): with the default settings, 16
 * users calling at once and one user's 16 parallel calls are all served; the one user's calls
 * past USER_CALLS_IN_FLIGHT wait in their queue (counted as queued), none is refused.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectModern } from "../support/mcpClients.ts"

let gateway: Gateway
let clients: ReadonlyArray<Client> = []

const admissions = async (stage: string, outcome: string) => {
  const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
  const line = new RegExp(`^mana_mcp_admission_total\\{[^}]*stage="${stage}",outcome="${outcome}"[^}]*\\} (\\d+)`, "m")
  return Number(line.exec(metrics)?.[1] ?? 0)
}

beforeAll(async () => {
  // Upstream latency keeps calls running long enough to overlap, as on a real network.
  gateway = await startGateway({ DEV_SYNC_LATENCY: "100ms", READ_FRESHNESS: "0" })
  const users = await Promise.all(Array.from({ length: 16 }, () => registerUser(gateway.authUrl)))
  clients = await Promise.all(
    users.map((user) =>
      connectModern(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId }).then((c) => c.client)
    )
  )
}, 120_000)
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()))
  await gateway?.stop()
})

describe("admission at normal loads", () => {
  it("16 users at once, then one user's 16 parallel calls: all served, the excess queued, none refused", async () => {
    const everyone = await Promise.all(clients.map((client) => client.callTool({ name: "habits.list", arguments: {} })))
    expect(everyone.filter((result) => result.isError === true)).toEqual([])
    const one = clients[0]!
    const parallel = await Promise.all(
      Array.from({ length: 16 }, () => one.callTool({ name: "habits.list", arguments: {} }))
    )
    expect(parallel.filter((result) => result.isError === true)).toEqual([])
    expect(await admissions("call", "queued")).toBeGreaterThan(0)
    for (const stage of ["call", "body", "connection"]) expect(await admissions(stage, "refused")).toBe(0)
  })
})
