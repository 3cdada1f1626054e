/**
 * Property-based fuzzing of the HTTP surface of the real `npm start` entry: random methods,
 * headers and bodies, JSON-RPC shapes of both protocol eras (sessions, `_meta` envelopes, batches,
 * tool calls with arbitrary arguments). The gateway never answers 5xx other than the documented
 * 503, a tool error is never over 2 KB, no call is a defect, and afterwards its whole log holds
 * none of the test's tokens or plaintexts. Bodies are also sent slowly, in random pieces, under
 * header tricks: a complete one is served as if sent at once, one that stalls gets 408 and its
 * connection closed. The seed is printed; replay with FUZZ_SEED=<seed>.
 */
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy } from "../support/mcpClients.ts"
import { rawRequest } from "../support/rawHttp.ts"

const seed = Number(process.env["FUZZ_SEED"] ?? Date.now() % 2_147_483_647)
const numRuns = Number(process.env["FUZZ_HTTP_RUNS"] ?? 120)
const canary = `PLAINTEXT-CANARY-${seed}`

let gateway: Gateway
let token = ""
let spaceId = ""
let sessionId = ""

beforeAll(async () => {
  gateway = await startGateway({ POLICY_MODE: "enforce", POLICY_RATE_LIMIT: "1000", BODY_READ_TIMEOUT: "1s" })
  // A user of its own: the banner prints the dev user's token on purpose, this one appears nowhere.
  const user = await registerUser(gateway.authUrl)
  token = user.accessToken
  spaceId = user.personalSpaceId
  const { client, transport } = await connectLegacy(gateway.mcpUrl, { token, spaceId })
  sessionId = transport.sessionId ?? ""
  // Plaintext that must never reach a log line: it is encrypted before it leaves the gateway.
  await client.callTool({ name: "notes.create", arguments: { title: canary, content: `${canary} body` } })
})
afterAll(async () => {
  await gateway?.stop()
})

const toolNames = ["habits.create", "habits.list", "habits.update", "todo.create", "notes.search", "journal.add"]
const methods = ["initialize", "ping", "tools/list", "tools/call", "server/discover", "logging/setLevel", "nope/x"]

const jsonRpc = fc.record({
  jsonrpc: fc.oneof(fc.constant("2.0"), fc.jsonValue({ maxDepth: 1 })),
  id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)),
  method: fc.oneof(fc.constantFrom(...methods), fc.string({ maxLength: 12 })),
  params: fc.oneof(
    fc.record({
      name: fc.oneof(fc.constantFrom(...toolNames), fc.string({ maxLength: 10 })),
      arguments: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()))
    }),
    fc.record({
      protocolVersion: fc.constantFrom("2025-11-25", "2025-03-26", "2026-07-28", "1999-01-01"),
      capabilities: fc.jsonValue({ maxDepth: 2 }),
      clientInfo: fc.jsonValue({ maxDepth: 2 })
    }),
    fc.record({
      _meta: fc.dictionary(
        fc.constantFrom(
          "io.modelcontextprotocol/protocolVersion",
          "io.modelcontextprotocol/clientInfo",
          "io.modelcontextprotocol/clientCapabilities",
          "x"
        ),
        fc.jsonValue({ maxDepth: 2 })
      )
    }),
    fc.jsonValue({ maxDepth: 3 })
  )
}, { requiredKeys: [] })

const body = fc.oneof(
  jsonRpc.map((message) => JSON.stringify(message)),
  fc.array(jsonRpc, { maxLength: 4 }).map((batch) => JSON.stringify(batch)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constant("")
)

const request = fc.record({
  method: fc.constantFrom("POST", "POST", "POST", "GET", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD"),
  body,
  contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", undefined),
  accept: fc.constantFrom("application/json, text/event-stream", "application/json", "text/event-stream", undefined),
  version: fc.constantFrom("2025-11-25", "2025-03-26", "2026-07-28", "garbage", undefined),
  session: fc.constantFrom("valid", "random", undefined),
  auth: fc.constantFrom("valid", "valid", "garbage", undefined),
  space: fc.constantFrom("valid", "valid", "garbage", undefined),
  origin: fc.constantFrom("http://localhost:5173", "https://evil.example", undefined)
})

describe(`fuzzed HTTP surface (seed ${seed}, ${numRuns} requests)`, () => {
  it(
    "never answers 5xx other than 503, never a tool error over 2 KB, never a defect; logs hold no secrets",
    async () => {
      console.log(`fuzzHttp: FUZZ_SEED=${seed}`)
      await fc.assert(
        fc.asyncProperty(request, async (input) => {
          const headers: Record<string, string> = {}
          if (input.contentType !== undefined) headers["content-type"] = input.contentType
          if (input.accept !== undefined) headers["accept"] = input.accept
          if (input.version !== undefined) headers["mcp-protocol-version"] = input.version
          if (input.session === "valid") headers["mcp-session-id"] = sessionId
          if (input.session === "random") headers["mcp-session-id"] = crypto.randomUUID()
          if (input.auth !== undefined) headers["authorization"] = `Bearer ${input.auth === "valid" ? token : "x.y.z"}`
          if (input.space !== undefined) headers["x-mana-space"] = input.space === "valid" ? spaceId : "nope"
          if (input.origin !== undefined) headers["origin"] = input.origin
          const hasBody = input.method !== "GET" && input.method !== "HEAD" && input.method !== "OPTIONS"
          const controller = new AbortController()
          // A GET may open a standalone SSE stream that stays open: read its status, then hang up.
          const timer = setTimeout(() => controller.abort(), 5_000)
          const response = await fetch(gateway.mcpUrl, {
            method: input.method,
            headers,
            signal: controller.signal,
            ...(hasBody ? { body: input.body } : {})
          })
          const text = response.headers.get("content-type")?.includes("event-stream") === true && input.method === "GET"
            ? ""
            : await response.text().catch(() => "")
          clearTimeout(timer)
          controller.abort()
          expect(response.status < 500 || response.status === 503, `${response.status}: ${text.slice(0, 300)}`).toBe(
            true
          )
          for (const match of text.matchAll(/"isError":true[^]*?"text":"((?:[^"\\]|\\.)*)"/g)) {
            expect((match[1] ?? "").length).toBeLessThanOrEqual(2100)
          }
        }),
        { seed, numRuns }
      )
      const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
      expect(metrics).not.toMatch(/^mana_mcp_tool_defects_total\{[^}]*\} [1-9]/m)
      const log = gateway.output()
      expect(log).not.toContain(token)
      expect(log).not.toContain(canary)
    },
    240_000
  )

  it(
    "slow bodies in random pieces under header tricks: complete ones served, stalled ones 408 and closed",
    async () => {
      // A session of its own: the first test's random requests may have closed the shared one (DELETE).
      const { transport } = await connectLegacy(gateway.mcpUrl, { token, spaceId })
      const slowSessionId = transport.sessionId ?? ""
      const slowBody = fc.record({
        query: fc.string({ unit: fc.constantFrom("a", "b", "z", "0", " "), maxLength: 400 }),
        pieces: fc.integer({ min: 1, max: 6 }),
        pauseMs: fc.integer({ min: 0, max: 120 }),
        stallAfter: fc.option(fc.double({ min: 0, max: 0.95, noNaN: true }), { nil: undefined }),
        casing: fc.constantFrom("lower", "upper", "mixed"),
        expectContinue: fc.boolean(),
        padded: fc.boolean()
      })
      const cased = (name: string, casing: string) =>
        casing === "upper"
          ? name.toUpperCase()
          : casing === "mixed"
          ? name.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase())
          : name
      await fc.assert(
        fc.asyncProperty(slowBody, async (input) => {
          const body = Buffer.from(JSON.stringify({
            jsonrpc: "2.0",
            id: 42,
            method: "tools/call",
            params: { name: "notes.search", arguments: { query: input.query } }
          }))
          const pad = input.padded ? "  " : ""
          const headers: Record<string, string> = Object.fromEntries(
            Object.entries({
              "content-type": "application/json",
              accept: "application/json, text/event-stream",
              authorization: `Bearer ${token}`,
              "x-mana-space": spaceId,
              "mcp-protocol-version": "2025-11-25",
              "mcp-session-id": slowSessionId,
              "content-length": String(body.length),
              ...(input.expectContinue ? { expect: "100-continue" } : {})
            }).map(([name, value]) => [cased(name, input.casing), `${pad}${value}`])
          )
          const request = rawRequest(gateway.mcpUrl, headers)
          const end = input.stallAfter === undefined ? body.length : Math.floor(body.length * input.stallAfter)
          const size = Math.ceil(end / input.pieces)
          for (let at = 0; at < end; at += size) {
            request.write(body.subarray(at, Math.min(end, at + size)))
            if (input.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, input.pauseMs))
          }
          const answer = await request.answer
          if (input.stallAfter === undefined) {
            expect(answer.status, answer.text.slice(0, 300)).toBe(200)
          } else {
            expect(answer.status, answer.text.slice(0, 300)).toBe(408)
            await request.closed
          }
          request.socket.destroy()
        }),
        { seed, numRuns: Number(process.env["FUZZ_SLOW_RUNS"] ?? 16) }
      )
    },
    240_000
  )
})
