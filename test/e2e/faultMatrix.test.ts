/**
 * The fault matrix, end to end: a gateway in production mode (`npm start` with MANA_AUTH_URL and
 * MANA_SYNC_URL set) whose upstreams are fault proxies in front of a second gateway's dev
 * mana-auth and mana-sync. For each fault the agent gets a specific error within
 * UPSTREAM_TIMEOUT × attempts plus a margin, the failure is counted in
 * `mana_mcp_upstream_request_duration_seconds`, nothing half-written appears, and the gateway
 * serves normally once the fault is gone. Client faults too: bodies that stall (with a length,
 * chunked, or after `Expect: 100-continue`) get 408 at BODY_READ_TIMEOUT and a closed connection
 * while other calls are served, and a refused request is never held open for its body. The
 * figures are printed for docs/reliability.md.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Fault, type FaultProxy, startFaultProxy } from "../support/faultProxy.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectModern, jsonPostHeaders } from "../support/mcpClients.ts"
import { type RawRequest, rawRequest } from "../support/rawHttp.ts"

// Pull: 4 attempts × 1 s + ~1.7 s backoff; push: 3 × 1 s + ~0.9 s. The margin covers a busy machine.
const upstreamTimeoutMs = 1_000
const readBoundMs = 4 * upstreamTimeoutMs + 1_700 + 4_000
const pushBoundMs = 3 * upstreamTimeoutMs + 900 + 4_000

let devStack: Gateway
let gateway: Gateway
let syncProxy: FaultProxy
let authProxy: FaultProxy
let client: Client

const textOf = (result: { content?: unknown }) =>
  (result.content as ReadonlyArray<{ text?: string }> | undefined)?.map((block) => block.text ?? "").join("\n") ?? ""

const timed = async (name: string, args: Record<string, unknown> = {}) => {
  const started = performance.now()
  const result = await client.callTool({ name, arguments: args })
  return { result, text: textOf(result), ms: performance.now() - started }
}

const defectCount = async () => {
  const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
  return [...metrics.matchAll(/^mana_mcp_tool_defects_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0
  )
}

const upstreamCount = async (upstream: string, outcome: string) => {
  const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
  if (outcome === "handler-error") {
    return Number(
      /^mana_mcp_tool_invocations_total\{[^}]*tool="habits.list",outcome="handler-error"[^}]*\} (\d+)/m.exec(metrics)
        ?.[1] ?? 0
    )
  }
  const line = new RegExp(
    `^mana_mcp_upstream_request_duration_seconds_count\\{[^}]*upstream="${upstream}",outcome="${outcome}"[^}]*\\} (\\d+)`,
    "m"
  )
  return Number(line.exec(metrics)?.[1] ?? 0)
}

beforeAll(async () => {
  devStack = await startGateway()
  syncProxy = await startFaultProxy(devStack.syncUrl)
  authProxy = await startFaultProxy(devStack.authUrl)
  gateway = await startGateway({
    MANA_AUTH_URL: authProxy.url,
    MANA_SYNC_URL: syncProxy.url,
    JWT_ISSUER: devStack.authUrl,
    UPSTREAM_TIMEOUT: `${upstreamTimeoutMs}ms`,
    // Every read pulls, so every fault reaches the read that follows it (freshness is tested in freshness.test.ts).
    READ_FRESHNESS: "0",
    BODY_READ_TIMEOUT: "2s"
  })
  client = (await connectModern(gateway.mcpUrl, { token: devStack.devToken ?? "", spaceId: devStack.devSpaceId ?? "" }))
    .client
  // Warm up: token, spaces and the read cache are known before any fault.
  expect((await timed("habits.list")).result.isError).toBeUndefined()
}, 120_000)

afterAll(async () => {
  await client?.close()
  await gateway?.stop()
  await syncProxy?.close()
  await authProxy?.close()
  await devStack?.stop()
})

const readFaults: ReadonlyArray<readonly [string, Fault, string, string]> = [
  ["HTTP 500", { kind: "status", status: 500 }, "answered with a server error (HTTP 500)", "server-error"],
  ["HTTP 502", { kind: "status", status: 502 }, "answered with a server error (HTTP 502)", "server-error"],
  ["HTTP 503", { kind: "status", status: 503 }, "answered with a server error (HTTP 503)", "server-error"],
  ["429 + Retry-After", { kind: "rate-limited", retryAfter: 7 }, "wait 7 seconds before retrying", "client-error"],
  ["connection reset", { kind: "reset" }, "could not be reached", "network-error"],
  ["stall before headers", { kind: "stall-before-headers" }, "did not answer in time", "timeout"],
  ["stall mid-body", { kind: "stall-mid-body" }, "did not answer in time", "timeout"],
  ["slow drip", { kind: "slow-drip", byteEveryMs: 200 }, "did not answer in time", "timeout"],
  // The 200 itself is sampled as a success; the cut body fails the read, counted as a handler error.
  ["truncated body", { kind: "truncated-body" }, "could not be reached", "handler-error"]
]

describe("fault matrix (production mode behind fault proxies)", () => {
  for (const [label, fault, expected, outcome] of readFaults) {
    it(`mana-sync ${label}: a read answers "${expected}" in bounded time, counted, then recovers`, async () => {
      const before = await upstreamCount("mana-sync", outcome)
      syncProxy.set(fault)
      const failed = await timed("habits.list")
      syncProxy.set(undefined)
      console.log(`fault ${label}: ${failed.ms.toFixed(0)} ms → ${failed.text.slice(0, 160)}`)
      expect(failed.result.isError).toBe(true)
      expect(failed.text).toContain(expected)
      expect(failed.text.length).toBeLessThan(2048)
      expect(failed.ms).toBeLessThan(readBoundMs)
      expect(await upstreamCount("mana-sync", outcome)).toBeGreaterThan(before)
      expect((await timed("habits.list")).result.isError).toBeUndefined()
    }, 60_000)
  }

  it("mana-sync malformed JSON: a generic error with a reference, counted as a defect, then recovers", async () => {
    const defectsBefore = await defectCount()
    syncProxy.set({ kind: "malformed-json" })
    const failed = await timed("habits.list")
    syncProxy.set(undefined)
    console.log(`fault malformed JSON: ${failed.ms.toFixed(0)} ms → ${failed.text.slice(0, 160)}`)
    expect(failed.result.isError).toBe(true)
    expect(failed.text).toMatch(/internal gateway error \(reference [0-9a-f]{8}\)/)
    expect(failed.text).not.toContain("oops")
    expect(await defectCount()).toBe(defectsBefore + 1)
    expect((await timed("habits.list")).result.isError).toBeUndefined()
  }, 60_000)

  it(
    "a push that fails after the read: the create is reported unconfirmed, and nothing half-written appears",
    async () => {
      syncProxy.set({ kind: "status", status: 503 }, (method) => method === "POST")
      const failed = await timed("habits.create", { title: "Written during a fault" })
      syncProxy.set(undefined)
      console.log(`fault push 503: ${failed.ms.toFixed(0)} ms → ${failed.text.slice(0, 160)}`)
      expect(failed.result.isError).toBe(true)
      expect(failed.text).toContain("this create is unconfirmed")
      expect(failed.text).toContain("first call habits.list")
      expect(failed.ms).toBeLessThan(pushBoundMs)
      const listed = await timed("habits.list")
      const habits = (listed.result.structuredContent as { habits: ReadonlyArray<{ title: string }> }).habits
      expect(habits.filter((habit) => habit.title === "Written during a fault")).toHaveLength(0)
      const retried = await timed("habits.create", { title: "Written during a fault" })
      expect(retried.result.isError).toBeUndefined()
    },
    60_000
  )

  it(
    "mana-auth down while the token is cached: plaintext tools keep working; an uncached vault key is a clear error",
    async () => {
      authProxy.set({ kind: "reset" })
      const habits = await timed("habits.list")
      const notes = await timed("notes.search")
      authProxy.set(undefined)
      console.log(
        `fault mana-auth down: habits.list ${habits.ms.toFixed(0)} ms; notes.search → ${notes.text.slice(0, 160)}`
      )
      expect(habits.result.isError).toBeUndefined()
      expect(notes.result.isError).toBe(true)
      expect(notes.text).toMatch(/key|vault/i)
      expect(notes.ms).toBeLessThan(readBoundMs)
      expect((await timed("notes.search")).result.isError).toBeUndefined()
    },
    60_000
  )

  it("after the whole matrix: no defect was counted except the malformed answer, and /health is ok", async () => {
    expect(await defectCount()).toBe(1)
    expect((await fetch(`${gateway.baseUrl}/health`)).status).toBe(200)
  })
})

const clientHeaders = (authorized: boolean): Record<string, string> => ({
  ...jsonPostHeaders,
  "mcp-protocol-version": "2026-07-28",
  ...(authorized
    ? { authorization: `Bearer ${devStack.devToken ?? ""}`, "x-mana-space": devStack.devSpaceId ?? "" }
    : {})
})

const stalls: ReadonlyArray<readonly [string, () => RawRequest]> = [
  ["half of a declared Content-Length", () => {
    const request = rawRequest(gateway.mcpUrl, { ...clientHeaders(true), "content-length": "1000" })
    request.write(`{"jsonrpc":"2.0","id":1,"method":"ping","pad":"${"x".repeat(460)}`)
    return request
  }],
  ["a chunked body that stops after one chunk", () => {
    const request = rawRequest(gateway.mcpUrl, { ...clientHeaders(true), "transfer-encoding": "chunked" })
    request.write("11\r\n{\"jsonrpc\":\"2.0\",\r\n")
    return request
  }],
  [
    "Expect: 100-continue and no body",
    () => rawRequest(gateway.mcpUrl, { ...clientHeaders(true), "content-length": "64", expect: "100-continue" })
  ]
]

describe("fault matrix: client faults (slow bodies, header tricks)", () => {
  for (const [label, send] of stalls) {
    it(`a client's ${label}: 408 at BODY_READ_TIMEOUT and the connection closed, others served meanwhile`, async () => {
      const started = performance.now()
      const request = send()
      const served = await timed("habits.list")
      expect(served.result.isError).toBeUndefined()
      const answer = await request.answer
      console.log(`client fault ${label}: ${answer.status} after ${(performance.now() - started).toFixed(0)} ms`)
      expect(answer.status).toBe(408)
      expect(answer.text).toContain("BODY_READ_TIMEOUT")
      await request.closed
    }, 60_000)
  }

  it("a request refused before its body (no credentials) is answered and closed, not held for the body", async () => {
    const request = rawRequest(gateway.mcpUrl, { ...clientHeaders(false), "content-length": "4000000" })
    request.write("{")
    const answer = await request.answer
    expect(answer.status).toBe(401)
    expect(answer.text.toLowerCase()).toContain("connection: close")
    await request.closed
  }, 60_000)
})
