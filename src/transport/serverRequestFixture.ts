/**
 * The MCP conformance suite's fixture tool `test_elicitation`, registered only with
 * MCP_CONFORMANCE_FIXTURES=true: it asks the client for input with a server→client `elicitation`
 * request (2025 sessions) and returns the answer. It exercises the path a real elicitation takes —
 * across instances, the client's answer may land on another gateway and is routed back over the
 * SessionBus. It lives in the transport because it needs the SDK request context, which tool
 * handlers deliberately do not see.
 */
import type { CallToolResult, ServerContext } from "@modelcontextprotocol/server"
import type { McpToolDescriptor } from "../tools/registry.ts"

export const elicitationFixture: McpToolDescriptor = {
  name: "test_elicitation",
  title: "Elicitation fixture",
  description: "Conformance fixture: asks the client for a username and email (elicitation) and returns the answer.",
  inputSchema: {
    type: "object",
    properties: { message: { type: "string" } },
    required: ["message"]
  },
  outputSchema: { type: "object" },
  annotations: {
    title: "Elicitation fixture",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false
  }
}

export const runElicitationFixture = async (args: unknown, ctx: ServerContext): Promise<CallToolResult> => {
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
  })
  return {
    content: [{ type: "text", text: `User answered: ${JSON.stringify(answer)}` }],
    structuredContent: { ...answer }
  }
}
