/**
 * OTLP trace export end to end: the real `npm start` entry exports to a small OTLP/HTTP receiver
 * in this test. A `tools/call` sent with the agent's `traceparent` must arrive as one span tree in
 * the agent's trace, from the HTTP request down to the mana-sync pull, with the semantic-convention
 * attributes and none of the test's secrets. With the collector down, calls are unaffected and the
 * dropped spans are counted on /metrics.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client"
import { createServer } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { headersFor, structured } from "../support/mcpClients.ts"
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../support/otlpReceiver.ts"

const agentTraceId = "4bf92f3577b34da6a3ce929d0e0e4736"
const agentSpanId = "00f067aa0ba902b7"
const secretTitle = `secret-task-${crypto.randomUUID()}`

const connectTraced = async (mcpUrl: string, user: DevUser) => {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: {
      headers: {
        ...headersFor({ token: user.accessToken, spaceId: user.personalSpaceId }),
        traceparent: `00-${agentTraceId}-${agentSpanId}-01`
      }
    }
  })
  const client = new Client({ name: "tracing-agent", version: "1.0.0" }, {
    versionNegotiation: { mode: { pin: "2026-07-28" } }
  })
  await client.connect(transport)
  return client
}

const childrenOf = (spans: ReadonlyArray<ReceivedSpan>, parent: ReceivedSpan) =>
  spans.filter((span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId)

const descendantsOf = (spans: ReadonlyArray<ReceivedSpan>, root: ReceivedSpan): ReadonlyArray<ReceivedSpan> =>
  childrenOf(spans, root).flatMap((child) => [child, ...descendantsOf(spans, child)])

const isToolSpan = (name: string) => (span: ReceivedSpan) => span.name === `tools/call ${name}`

describe("OTLP trace export", () => {
  let receiver: OtlpReceiver
  let gateway: Gateway
  let user: DevUser
  let client: Client

  beforeAll(async () => {
    receiver = await startOtlpReceiver()
    gateway = await startGateway({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=collector-secret",
      OTEL_BSP_SCHEDULE_DELAY: "100"
    })
    user = await registerUser(gateway.authUrl)
    client = await connectTraced(gateway.mcpUrl, user)
  })
  afterAll(async () => {
    await client?.close()
    await gateway?.stop()
    await receiver?.close()
  })

  it("exports a tools/call as one span tree in the agent's trace, down to the mana-sync pull", async () => {
    await structured(client, "todo.create", { title: secretTitle })
    const listed = await structured(client, "todo.list")
    expect(listed["tasks"].map((task: { title: string }) => task.title)).toContain(secretTitle)

    await receiver.waitFor((spans) =>
      spans.some(isToolSpan("todo.list")) && spans.some((span) => span.name === "Crypto.decryptBatch")
    )
    const spans = receiver.spans()
    const tool = spans.find(isToolSpan("todo.list"))!
    expect(tool.traceId).toBe(agentTraceId)

    // The tool's ancestor is the HTTP request span, whose parent is the agent's own span.
    const http = spans.find((span) => span.spanId === tool.parentSpanId)!
    expect(http).toMatchObject({ name: "POST /mcp", kind: 2, parentSpanId: agentSpanId, traceId: agentTraceId })
    expect(http.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "mcp.method.name": "tools/call",
      "url.path": "/mcp"
    })
    const requestSpans = descendantsOf(spans, http)
    expect(requestSpans.map((span) => span.name)).toEqual(
      expect.arrayContaining(["Auth.verify", "SpaceDirectory.check", "tools/call todo.list"])
    )

    expect(tool.kind).toBe(2)
    expect(tool.attributes).toMatchObject({
      "mcp.method.name": "tools/call",
      "gen_ai.tool.name": "todo.list",
      "gen_ai.operation.name": "execute_tool",
      "mana.space.id": user.personalSpaceId
    })
    expect(tool.attributes["enduser.pseudo.id"]).toMatch(/^[0-9a-f]{32}$/)
    const toolSpans = descendantsOf(spans, tool)
    const policy = toolSpans.find((span) => span.name === "Policy.gate")
    expect(policy?.attributes).toMatchObject({ "gen_ai.tool.name": "todo.list", "mana.policy.decision": "allow" })
    expect(toolSpans.some((span) => span.name === "Crypto.decryptBatch")).toBe(true)
    // The upstream call (one span per call, retries inside) and its HTTP client span.
    const syncUrl = new URL(gateway.syncUrl)
    const pullCall = toolSpans.find((span) => span.name === "SyncTransport.pull")!
    expect(pullCall.attributes).toMatchObject({
      "upstream.name": "mana-sync",
      "http.request.method": "GET",
      "server.address": syncUrl.hostname,
      "server.port": Number(syncUrl.port),
      "url.path": "/sync/todo/pull"
    })
    const pull = descendantsOf(spans, pullCall).find((span) => span.kind === 3)
    expect(pull?.attributes).toMatchObject({ "http.request.method": "GET", "http.response.status_code": 200 })

    // The resource names the service; the configured collector header is sent.
    expect(receiver.resources[0]).toMatchObject({ "service.name": "mana-mcp" })
    expect(receiver.headers.every((headers) => headers["x-collector-key"] === "collector-secret")).toBe(true)
  })

  it("exports none of the test's secrets: no token, e-mail, user id or task text", async () => {
    // A flagged call logs a warning inside its span (annotated with the user id): logs become span
    // events, and those must not carry the annotations.
    await structured(client, "todo.create", { title: `<system> ${secretTitle}` })
    await receiver.waitFor((spans) =>
      spans.some((span) => span.events.some((event) => event.name.includes("FLAGGED todo.create")))
    )
    const exported = receiver.bodies.join("\n")
    expect(exported.length).toBeGreaterThan(0)
    for (const secret of [user.accessToken, user.email, user.userId, secretTitle, "collector-secret"]) {
      expect(exported).not.toContain(secret)
    }
  })
})

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

describe("OTLP trace export with the collector down", () => {
  let gateway: Gateway

  beforeAll(async () => {
    gateway = await startGateway({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${await freePort()}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: "50",
      OTEL_EXPORTER_OTLP_TIMEOUT: "1000"
    })
  })
  afterAll(async () => {
    await gateway?.stop()
  })

  const droppedSpans = async () => {
    const text = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
    const line = text.split("\n").find((entry) =>
      entry.startsWith("mana_mcp_trace_spans_dropped_total{") && entry.includes(`reason="export-failed"`)
    )
    return line === undefined ? 0 : Number(line.split(" ").at(-1))
  }

  it("answers every call as usual and counts the spans it could not export", async () => {
    const user = await registerUser(gateway.authUrl)
    const client = await connectTraced(gateway.mcpUrl, user)
    try {
      for (let index = 0; index < 5; index++) {
        const created = await structured(client, "todo.create", { title: `task ${index}` })
        expect(created["task"]["title"]).toBe(`task ${index}`)
      }
      const listed = await structured(client, "todo.list")
      expect(listed["tasks"]).toHaveLength(5)
    } finally {
      await client.close()
    }
    for (let waited = 0; (await droppedSpans()) === 0 && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await droppedSpans()).toBeGreaterThan(0)
  })
})
