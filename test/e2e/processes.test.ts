/**
 * All cores: the real `npm start` with GATEWAY_PROCESSES=2 and STATE_STORE=redis on a real
 * `redis-server` serves one port from two processes. One session (opened once, kept in Redis) is
 * driven over a fresh TCP connection per request, so the kernel spreads the requests over both
 * processes; each process's `/metrics` says which process answered and counts its own calls. And
 * without Redis, more than one process is refused with one line and exit 1.
 */
import { randomBytes } from "node:crypto"
import { request } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Gateway, startGateway } from "../harness/gatewayProcess.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { devHeadersOf, jsonPostHeaders } from "../support/mcpClients.ts"

let redis: RedisServer
let gateway: Gateway

beforeAll(async () => {
  redis = await startRedisServer()
  gateway = await startGateway({
    GATEWAY_PROCESSES: "2",
    STATE_STORE: "redis",
    REDIS_URL: redis.url,
    STATE_ENCRYPTION_KEY: randomBytes(32).toString("base64")
  })
}, 120_000)
afterAll(async () => {
  await gateway?.stop()
  await redis?.stop()
}, 60_000)

/** One HTTP exchange on a connection of its own (no keep-alive agent): the kernel picks the process. */
const freshExchange = (url: string, options: { method: string; headers: Record<string, string>; body?: string }) =>
  new Promise<{ status: number; headers: Record<string, string | Array<string> | undefined>; body: string }>(
    (resolve, reject) => {
      const outgoing = request(url, { method: options.method, headers: options.headers, agent: false }, (incoming) => {
        const chunks: Array<Buffer> = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("end", () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString()
          }))
      })
      outgoing.on("error", reject)
      outgoing.end(options.body)
    }
  )

const rpc = (body: unknown, sessionId?: string) =>
  freshExchange(gateway.mcpUrl, {
    method: "POST",
    headers: {
      ...jsonPostHeaders,
      ...devHeadersOf(gateway),
      ...(sessionId === undefined ? {} : { "mcp-session-id": sessionId })
    },
    body: JSON.stringify(body)
  })

/** Calls of `habits.list` a process has answered, from one scrape of its own `/metrics`. */
const listCalls = (metrics: string) =>
  metrics.split("\n")
    .filter((line) => line.startsWith("mana_mcp_tool_invocations_total{") && line.includes("tool=\"habits.list\""))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0)

describe("GATEWAY_PROCESSES=2 with STATE_STORE=redis", () => {
  it("serves one session's calls from both processes, and each process's /metrics says which it is", async () => {
    const init = await rpc({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
    })
    const sessionId = String(init.headers["mcp-session-id"])
    await rpc({ jsonrpc: "2.0", method: "notifications/initialized" }, sessionId)
    const calls = 24
    for (let id = 2; id < 2 + calls; id++) {
      const answer = await rpc({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "habits.list" } }, sessionId)
      expect(answer.status).toBe(200)
      expect(answer.body).toContain("\"structuredContent\"")
      expect(answer.body).not.toContain("\"isError\":true")
    }
    // Scrape over fresh connections until each process has answered once.
    const scrapes = new Map<string, string>()
    for (let attempt = 0; attempt < 64 && scrapes.size < 2; attempt++) {
      const scrape = await freshExchange(`${gateway.baseUrl}/metrics`, { method: "GET", headers: {} })
      const process = /process="(\d+)"/.exec(scrape.body)?.[1]
      if (process !== undefined && !scrapes.has(process)) scrapes.set(process, scrape.body)
    }
    expect([...scrapes.keys()].sort()).toEqual(["0", "1"])
    const perProcess = [...scrapes.values()].map(listCalls)
    expect(perProcess.every((count) => count > 0)).toBe(true)
    expect(perProcess.reduce((a, b) => a + b, 0)).toBe(calls)
  })
})

describe("GATEWAY_PROCESSES above one without Redis", () => {
  it("is refused with one line naming what to set, and exit 1", async () => {
    // Through `npm start`, tracked: were it not refused, the started gateway is stopped with the test.
    const failure = await startGateway({ GATEWAY_PROCESSES: "2", STATE_STORE: "memory" }, { readyTimeoutMs: 30_000 })
      .then(async (started) => {
        await started.stop()
        return "started"
      }, (error: unknown) => String(error))
    expect(failure).toContain("exited (1) before it was ready")
    const lines = failure.split("before it was ready:\n")[1]?.trim().split("\n") ?? []
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain("GATEWAY_PROCESSES=2 needs STATE_STORE=redis")
  })
})
