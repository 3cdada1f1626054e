/**
 * What the suite's `json-schema-2020-12` scenario verifies (SEP-1613: the `$schema`, `$defs`/`$ref`
 * and `additionalProperties` keywords survive into `tools/list`), applied to the gateway's real
 * tools. The suite only looks at its fixture tool `json_schema_2020_12_tool` (registered for the
 * conformance run only); this check covers what agents actually see, over raw HTTP (no SDK client
 * that could normalise schemas) in both protocol eras, through the same auth proxy.
 */
import { Schema } from "effect"

export interface PreservationResult {
  readonly era: "2025-11-25" | "2026-07-28"
  readonly ok: boolean
  readonly problems: ReadonlyArray<string>
  readonly tools: number
}

const draft202012 = "https://json-schema.org/draft/2020-12/schema"

const ToolList = Schema.Struct({
  result: Schema.Struct({
    tools: Schema.Array(
      Schema.Struct({ name: Schema.String, inputSchema: Schema.Record({ key: Schema.String, value: Schema.Unknown }) })
    )
  })
})
const decodeToolList = Schema.decodeUnknownSync(ToolList)

const accept = { "content-type": "application/json", accept: "application/json, text/event-stream" }

/** A JSON-RPC answer from a JSON body or from the `data:` lines of an SSE body. */
const messagesOf = async (response: Response): Promise<ReadonlyArray<unknown>> => {
  const text = await response.text()
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) return [JSON.parse(text)]
  return text.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).filter((
    data
  ) => data !== "").map((data) => JSON.parse(data))
}

const post = (mcpUrl: string, body: object, headers: Record<string, string>) =>
  fetch(mcpUrl, { method: "POST", headers: { ...accept, ...headers }, body: JSON.stringify(body) })

const listLegacy = async (mcpUrl: string): Promise<ReadonlyArray<unknown>> => {
  const init = await post(mcpUrl, {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "mana-schema-check", version: "1" } }
  }, {})
  await init.body?.cancel()
  const session = { "mcp-session-id": init.headers.get("mcp-session-id") ?? "", "mcp-protocol-version": "2025-11-25" }
  await (await post(mcpUrl, { jsonrpc: "2.0", method: "notifications/initialized" }, session)).body?.cancel()
  const listed = await messagesOf(await post(mcpUrl, { jsonrpc: "2.0", id: 2, method: "tools/list" }, session))
  await (await fetch(mcpUrl, { method: "DELETE", headers: session })).body?.cancel()
  return listed
}

const listModern = async (mcpUrl: string): Promise<ReadonlyArray<unknown>> =>
  messagesOf(
    await post(mcpUrl, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/list",
      params: {
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {}
        }
      }
    }, { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" })
  )

const judge = (era: PreservationResult["era"], messages: ReadonlyArray<unknown>): PreservationResult => {
  const answer = messages.find((message) => Schema.is(ToolList)(message))
  if (answer === undefined) {
    return { era, ok: false, problems: [`no tools/list result in ${JSON.stringify(messages).slice(0, 300)}`], tools: 0 }
  }
  const { tools } = decodeToolList(answer).result
  const problems: Array<string> = []
  for (const tool of tools) {
    const schema = tool.inputSchema
    if (schema["$schema"] !== draft202012) {
      problems.push(
        `${tool.name}: inputSchema.$schema is ${JSON.stringify(schema["$schema"])}, expected ${draft202012}`
      )
    }
    if (schema["additionalProperties"] !== false) {
      problems.push(`${tool.name}: inputSchema.additionalProperties is not false`)
    }
    if (JSON.stringify(schema).includes("\"$ref\"") && typeof schema["$defs"] !== "object") {
      problems.push(`${tool.name}: $ref without $defs`)
    }
  }
  if (!tools.some((tool) => typeof tool.inputSchema["$defs"] === "object")) {
    problems.push("no tool's inputSchema carries $defs, so $defs/$ref preservation is unverified")
  }
  return { era, ok: problems.length === 0, problems, tools: tools.length }
}

export const checkSchemaPreservation = async (mcpUrl: string): Promise<ReadonlyArray<PreservationResult>> => {
  const attempt = async (era: PreservationResult["era"], list: (url: string) => Promise<ReadonlyArray<unknown>>) => {
    try {
      return judge(era, await list(mcpUrl))
    } catch (error) {
      return {
        era,
        ok: false,
        problems: [`tools/list failed: ${error instanceof Error ? error.message : String(error)}`],
        tools: 0
      }
    }
  }
  return [await attempt("2025-11-25", listLegacy), await attempt("2026-07-28", listModern)]
}
