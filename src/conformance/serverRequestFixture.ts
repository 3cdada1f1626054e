/**
 * The MCP conformance suite's fixture tools that need the SDK request context (which tool handlers
 * deliberately do not see), registered only with MCP_CONFORMANCE_FIXTURES=true:
 * - `test_elicitation` asks the client for input with a server→client `elicitation` request
 *   (2025 sessions) and returns the answer — the path a real elicitation takes; across instances
 *   the client's answer may land on another gateway and is routed back over the SessionBus;
 * - `test_reconnection` closes its own SSE stream before answering (SEP-1699 polling), so the
 *   client must resume with `Last-Event-ID` to get the result from the EventStore.
 */
import type { CallToolResult, ServerContext } from "@modelcontextprotocol/server"
import type { JsonObject } from "../tools/kit/jsonSchema.ts"
import type { McpToolDescriptor } from "../tools/kit/registry.ts"
import type { ContextTool } from "../transport/mcpServer.ts"

const annotations = (title: string) => ({
  title,
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false as const
})

const objectSchema = (properties: JsonObject, required: ReadonlyArray<string>): JsonObject => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties,
  required: [...required],
  additionalProperties: false
})

const elicitationFixture: McpToolDescriptor = {
  name: "test_elicitation",
  title: "Elicitation fixture",
  description: "Conformance fixture: asks the client for a username and email (elicitation) and returns the answer.",
  inputSchema: objectSchema({ message: { type: "string" } }, ["message"]),
  outputSchema: { type: "object" },
  annotations: annotations("Elicitation fixture")
}

const reconnectionFixture: McpToolDescriptor = {
  name: "test_reconnection",
  title: "Reconnection fixture",
  description: "Conformance fixture: closes its SSE stream before answering, so the client resumes with Last-Event-ID.",
  inputSchema: objectSchema({}, []),
  outputSchema: { type: "object" },
  annotations: annotations("Reconnection fixture")
}

const runReconnectionFixture = (ctx: ServerContext): CallToolResult => {
  // Only offered to clients ≥ 2025-11-25 with an event store; the answer is stored, then replayed.
  ctx.http?.closeSSE?.()
  return {
    content: [{ type: "text", text: "Reconnection fixture: answered after closing the stream" }],
    structuredContent: { closedStream: ctx.http?.closeSSE !== undefined }
  }
}

const runElicitationFixture = async (args: unknown, ctx: ServerContext): Promise<CallToolResult> => {
  const message = typeof args === "object" && args !== null && "message" in args && typeof args.message === "string"
    ? args.message
    : "Please provide your information"
  const answer = await ctx.mcpReq.elicitInput({
    message,
    requestedSchema: {
      type: "object",
      properties: { username: { type: "string" }, email: { type: "string" } },
      required: ["username", "email"]
    }
  }, { relatedRequestId: ctx.mcpReq.id }) // on this call's own stream, wherever the session's GET stream is
  return {
    content: [{ type: "text", text: `User answered: ${JSON.stringify(answer)}` }],
    structuredContent: { ...answer }
  }
}

export const serverRequestFixtures: ReadonlyArray<ContextTool> = [
  { descriptor: elicitationFixture, run: runElicitationFixture },
  { descriptor: reconnectionFixture, run: (_args, ctx) => runReconnectionFixture(ctx) }
]
