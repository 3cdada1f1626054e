/**
 * Property-based fuzzing of the HTTP surface of the real `npm start` entry: random methods,
 * headers and bodies, JSON-RPC shapes of both protocol eras (sessions, `_meta` envelopes, batches,
 * tool calls with arbitrary arguments). The gateway never answers 5xx other than the documented
 * 503, a tool error is never over 2 KB, no call is a defect, and afterwards its whole log holds
 * none of the test's tokens or plaintexts. The seed is printed; replay with FUZZ_SEED=<seed>.
 */
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy } from "../support/mcpClients.ts"

const seed = Number(process.env["FUZZ_SEED"] ?? Date.now() % 2_147_483_647)
const numRuns = Number(process.env["FUZZ_HTTP_RUNS"] ?? 120)
const canary = `PLAINTEXT-CANARY-${seed}`

let gateway: Gateway
let token = ""
let spaceId = ""
let sessionId = ""

beforeAll(async () => {
  gateway = await startGateway({ POLICY_MODE: "enforce", POLICY_RATE_LIMIT: "1000" })
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
})
