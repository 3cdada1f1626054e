/**
 * The bounds that keep one client or user from taking the process (issue #28 findings 3 and 6,
 * issue #25 item 3), through the real `npm start` entry with short settings: a hostile body is
 * answered before it is complete (so before any parse), a stalled body gets 408 and a closed
 * connection while another user is served, open requests are capped per client address and in
 * total, and one user's calls past their in-flight bound wait, then are refused past the queue.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectModern, devHeadersOf, jsonPostHeaders } from "../support/mcpClients.ts"
import { rawRequest } from "../support/rawHttp.ts"

let gateway: Gateway
let auth: Record<string, string>
let other: Client

const metricValue = async (pattern: RegExp, of: Gateway = gateway) => {
  const metrics = await (await fetch(`${of.baseUrl}/metrics`)).text()
  return Number(pattern.exec(metrics)?.[1] ?? 0)
}
const admissions = (stage: string, outcome: string, of: Gateway = gateway) =>
  metricValue(
    new RegExp(`^mana_mcp_admission_total\\{[^}]*stage="${stage}",outcome="${outcome}"[^}]*\\} (\\d+)`, "m"),
    of
  )
const openRequests = () => metricValue(/^mana_mcp_open_requests\{[^}]*\} (\d+)/m)

/** Polls the gateway's own gauge until `count` requests are open (they stay open until the body deadline). */
const untilOpen = async (count: number) => {
  while (await openRequests() < count) await new Promise((resolve) => setTimeout(resolve, 20))
}

/** Headers, a declared length and a first piece of body that never continues. */
const stalled = (localAddress?: string) => {
  const request = rawRequest(gateway.mcpUrl, { ...jsonPostHeaders, ...auth, "content-length": "4000000" }, {
    ...(localAddress === undefined ? {} : { localAddress })
  })
  request.write("{\"jsonrpc\":\"2.0\",")
  return request
}

const textOf = (result: { content?: unknown }) =>
  (result.content as ReadonlyArray<{ text?: string }> | undefined)?.map((block) => block.text ?? "").join("\n") ?? ""

beforeAll(async () => {
  gateway = await startGateway({
    BODY_READ_TIMEOUT: "6s",
    MAX_CONNECTIONS_PER_CLIENT: "4",
    MAX_CONNECTIONS: "6",
    DEV_SYNC_LATENCY: "300ms",
    READ_FRESHNESS: "0"
  })
  auth = devHeadersOf(gateway)
  const user = await registerUser(gateway.authUrl)
  other = (await connectModern(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
})
afterAll(async () => {
  await other?.close()
  await gateway?.stop()
})

describe("abuse bounds", () => {
  it("290 000 argument keys are refused before the body is complete, so before it is parsed", async () => {
    const args: Record<string, number> = {}
    for (let i = 0; i < 290_000; i++) args[`k${i.toString(36)}`] = 1
    const body = Buffer.from(JSON.stringify({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "habits.create", arguments: args }
    }))
    const request = rawRequest(gateway.mcpUrl, {
      ...jsonPostHeaders,
      ...auth,
      "mcp-protocol-version": "2026-07-28",
      "content-length": String(body.length)
    })
    // A tenth of the body, then nothing: JSON.parse cannot have run on what the gateway has.
    request.write(body.subarray(0, body.length / 10))
    const answer = await request.answer
    expect(answer.status).toBe(200)
    expect(answer.text).toContain("more than 1000 properties")
    expect(answer.text).toContain("\"id\":7")
    expect(request.sentWhenAnswered()).toBeLessThan(body.length)
    await request.closed
  })

  it("a stalled body gets 408 and a closed connection, while another user is served", async () => {
    const before = await admissions("body", "timed-out")
    const request = stalled()
    const served = await other.callTool({ name: "habits.list", arguments: {} })
    expect(served.isError).toBeUndefined()
    expect(await Promise.race([request.answer.then(() => "answered"), Promise.resolve("waiting")])).toBe("waiting")
    const answer = await request.answer
    expect(answer.status).toBe(408)
    expect(answer.text).toContain("BODY_READ_TIMEOUT")
    await request.closed
    expect(await admissions("body", "timed-out")).toBe(before + 1)
  })

  it("open requests are capped per client address (429) and in total (503), each closed at once", async () => {
    const mine = [1, 2, 3, 4].map(() => stalled("127.0.0.2"))
    await untilOpen(4)
    const overMine = stalled("127.0.0.2")
    const refusedMine = await overMine.answer
    expect(refusedMine.status).toBe(429)
    expect(refusedMine.text).toContain("MAX_CONNECTIONS_PER_CLIENT")
    await overMine.closed
    const theirs = [1, 2].map(() => stalled("127.0.0.3"))
    await untilOpen(6)
    const overTotal = stalled("127.0.0.3")
    const refusedTotal = await overTotal.answer
    expect(refusedTotal.status).toBe(503)
    expect(refusedTotal.text).toContain("MAX_CONNECTIONS")
    await overTotal.closed
    // The stalled ones end at the body deadline; then the caps have room again.
    const ended = await Promise.all([...mine, ...theirs].map((request) => request.answer))
    expect(ended.map((answer) => answer.status)).toEqual([408, 408, 408, 408, 408, 408])
    const served = await other.callTool({ name: "habits.list", arguments: {} })
    expect(served.isError).toBeUndefined()
  })

  // A gateway of its own, with the default connection caps: the burst (and the other user) come
  // from one address, and how many of them are open at once depends on how soon the refused ones
  // are answered, which per-user turns of the event loop (UserTurns) may put off to the next turn.
  it("one user's calls past the in-flight bound wait, and are refused (retryably) only past the queue", async () => {
    const own = await startGateway({
      USER_CALLS_IN_FLIGHT: "1",
      USER_CALL_QUEUE: "2",
      DEV_SYNC_LATENCY: "300ms",
      READ_FRESHNESS: "0"
    })
    try {
      const user = await registerUser(own.authUrl)
      const theirClient = (await connectModern(own.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId }))
        .client
      const { client } = await connectModern(own.mcpUrl, { token: own.devToken ?? "", spaceId: own.devSpaceId ?? "" })
      const burst = Promise.all([1, 2, 3, 4, 5, 6].map(() => client.callTool({ name: "habits.list", arguments: {} })))
      const theirs = await theirClient.callTool({ name: "habits.list", arguments: {} })
      const results = await burst
      await client.close()
      await theirClient.close()
      expect(theirs.isError).toBeUndefined()
      const busy = results.filter((result) => result.isError === true)
      expect(busy.length).toBeGreaterThan(0)
      for (const result of busy) expect(textOf(result)).toContain("retry this call")
      expect(results.length - busy.length).toBeGreaterThanOrEqual(3)
      expect(await admissions("call", "refused", own)).toBe(busy.length)
      expect(await admissions("call", "queued", own)).toBeGreaterThanOrEqual(2)
    } finally {
      await own.stop()
    }
  })
})
