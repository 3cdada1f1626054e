/**
 * The naive peer the `peer` benchmark measures the gateway against: the original design written
 * directly on the MCP SDK v2, run as its own Bun process (`bun bench/peerServer.ts`, env
 * `PEER_AUTH_URL`, `PEER_SYNC_URL`). One `WebStandardStreamableHTTPServerTransport` + `Server`
 * per 2025-era session, the JWT verified with jose on every request (JWKS cached by jose), and a
 * `habits.list` that pulls the whole table from the epoch on every call and folds it in a plain
 * Map: no read cache, no policy, no metrics, no space check. `habits.update` (title only) does the
 * same pull to find the habit, then pushes the field change. Prints `PEER_READY {"mcpUrl": …}`.
 * A benchmark fixture only; nothing in `src/` uses it.
 */
import { Server, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server"
import * as Jose from "jose"

const authUrl = process.env["PEER_AUTH_URL"] ?? ""
const syncUrl = process.env["PEER_SYNC_URL"] ?? ""
const jwks = Jose.createRemoteJWKSet(new URL(`${authUrl}/api/auth/jwks`))

interface Habit {
  readonly id: string
  readonly title: string
  readonly icon: string
  readonly color: string
  readonly targetPerDay: number | null
  readonly defaultDuration: number | null
  readonly order: number
  readonly isArchived: boolean
}

interface PullChange {
  readonly id: string
  readonly op: string
  readonly spaceId?: string
  readonly data?: Record<string, unknown>
  readonly fields?: Record<string, { readonly value?: unknown }>
}

interface PullPage {
  readonly serverChanges: ReadonlyArray<PullChange>
  readonly syncedUntil: string
  readonly hasMore?: boolean
}

/** Every page from the epoch, folded naively (last change wins, no timestamps compared). */
const listHabits = async (token: string, spaceId: string): Promise<Array<Habit>> => {
  const rows = new Map<string, Record<string, unknown>>()
  let since = "1970-01-01T00:00:00.000Z"
  for (;;) {
    const response = await fetch(
      `${syncUrl}/sync/habits/pull?collection=habits&since=${encodeURIComponent(since)}`,
      { headers: { authorization: `Bearer ${token}`, "x-client-id": "naive-peer" } }
    )
    if (!response.ok) throw new Error(`pull failed: ${response.status}`)
    const page = (await response.json()) as PullPage
    for (const change of page.serverChanges) {
      if (change.op === "delete") rows.delete(change.id)
      else if (change.op === "insert") rows.set(change.id, { ...change.data, spaceId: change.spaceId })
      else {
        const row = rows.get(change.id) ?? {}
        for (const [key, field] of Object.entries(change.fields ?? {})) row[key] = field.value
        rows.set(change.id, row)
      }
    }
    if (page.hasMore !== true) break
    since = page.syncedUntil
  }
  const habits: Array<Habit> = []
  for (const [id, row] of rows) {
    if (row["spaceId"] !== spaceId || row["isArchived"] === true || typeof row["title"] !== "string") continue
    habits.push({
      id,
      title: row["title"],
      icon: typeof row["icon"] === "string" ? row["icon"] : "star",
      color: typeof row["color"] === "string" ? row["color"] : "#6366f1",
      targetPerDay: typeof row["targetPerDay"] === "number" ? row["targetPerDay"] : null,
      defaultDuration: typeof row["defaultDuration"] === "number" ? row["defaultDuration"] : null,
      order: typeof row["order"] === "number" ? row["order"] : 0,
      isArchived: false
    })
  }
  return habits.sort((a, b) => a.order - b.order)
}

/** Renames a habit: the naive read of the whole table to find it, then one push. */
const updateHabit = async (token: string, spaceId: string, id: string, title: string) => {
  const habit = (await listHabits(token, spaceId)).find((candidate) => candidate.id === id)
  if (habit === undefined) throw new Error(`no habit ${id}`)
  const at = new Date().toISOString()
  const response = await fetch(`${syncUrl}/sync/habits`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-client-id": "naive-peer" },
    body: JSON.stringify({
      clientId: "naive-peer",
      since: at,
      changes: [{ table: "habits", id, op: "update", spaceId, fields: { title: { value: title, at } } }]
    })
  })
  if (!response.ok) throw new Error(`push failed: ${response.status}`)
  await response.body?.cancel()
  return { ...habit, title }
}

const makeServer = () => {
  const server = new Server({ name: "naive-peer", version: "1.0.0" }, { capabilities: { tools: {} } })
  server.setRequestHandler("tools/list", () => ({
    tools: [
      { name: "habits.list", inputSchema: { type: "object" as const, properties: {} } },
      { name: "habits.update", inputSchema: { type: "object" as const, properties: {} } }
    ]
  }))
  server.setRequestHandler("tools/call", async (request, ctx) => {
    const extra = ctx.http?.authInfo?.extra
    const token = typeof extra?.["token"] === "string" ? extra["token"] : ""
    const space = typeof extra?.["space"] === "string" ? extra["space"] : ""
    const args = request.params.arguments ?? {}
    const structured = request.params.name === "habits.list"
      ? { habits: await listHabits(token, space) }
      : request.params.name === "habits.update"
      ? { habit: await updateHabit(token, space, String(args["id"]), String(args["title"])) }
      : undefined
    if (structured === undefined) throw new Error(`unknown tool ${request.params.name}`)
    return { content: [{ type: "text" as const, text: JSON.stringify(structured) }], structuredContent: structured }
  })
  return server
}

const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>()

const handle = async (request: Request): Promise<Response> => {
  const token = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? ""
  let payload: Jose.JWTPayload
  try {
    payload = (await Jose.jwtVerify(token, jwks, { algorithms: ["EdDSA"], audience: "mana" })).payload
  } catch {
    return new Response("unauthorized", { status: 401 })
  }
  const authInfo = {
    token,
    clientId: "naive-peer",
    scopes: [],
    extra: { token, space: request.headers.get("x-mana-space") ?? "", user: payload.sub ?? "" }
  }
  const id = request.headers.get("mcp-session-id")
  if (id !== null) {
    const transport = sessions.get(id)
    if (transport === undefined) return new Response("no session", { status: 404 })
    return transport.handleRequest(request, { authInfo })
  }
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    onsessioninitialized: (sessionId) => {
      sessions.set(sessionId, transport)
    }
  })
  await makeServer().connect(transport)
  return transport.handleRequest(request, { authInfo })
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 120,
  fetch: (request) => new URL(request.url).pathname === "/mcp" ? handle(request) : new Response(null, { status: 404 })
})
console.log(`PEER_READY ${JSON.stringify({ mcpUrl: `http://127.0.0.1:${server.port}/mcp` })}`)
