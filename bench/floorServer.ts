/**
 * The floor the `floor` benchmark measures the gateway against: a Bun server that does only what
 * any server must do for a cached read — parse the JSON-RPC request and serialise the answer —
 * with no auth, no MCP, no upstream. `POST /seed` stores a user's answer (`{authorization,
 * result}`, the `result` the gateway itself gave that user); every `POST /mcp` then parses its
 * body, looks the answer up by the `Authorization` header and serialises `{jsonrpc, id, result}`
 * afresh, as a server that keeps no bytes would. Run as its own process (`bun
 * bench/floorServer.ts`); prints `FLOOR_READY {"mcpUrl": …}`. A benchmark fixture only.
 */
const answers = new Map<string, unknown>()

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: async (request) => {
    const path = new URL(request.url).pathname
    const body: unknown = JSON.parse(await request.text())
    if (!isRecord(body)) return new Response("not an object", { status: 400 })
    if (path === "/seed") {
      answers.set(String(body["authorization"]), body["result"])
      return new Response(null, { status: 204 })
    }
    const result = answers.get(request.headers.get("authorization") ?? "")
    if (result === undefined) return new Response("unseeded user", { status: 404 })
    return new Response(JSON.stringify({ jsonrpc: "2.0", id: body["id"], result }), {
      headers: { "content-type": "application/json" }
    })
  }
})

console.log(`FLOOR_READY ${JSON.stringify({ mcpUrl: `http://127.0.0.1:${String(server.port)}/mcp` })}`)
