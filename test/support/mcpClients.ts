/**
 * MCP SDK clients for end-to-end tests: a 2025-era sessionful client (the SDK's default
 * negotiation) and a 2026-07-28 client pinned to the per-request era, both sending the user's
 * JWT and space on every HTTP request.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client"

export interface Credentials {
  readonly token: string
  readonly spaceId: string
}

export const headersFor = (credentials: Credentials): Record<string, string> => ({
  authorization: `Bearer ${credentials.token}`,
  "x-mana-space": credentials.spaceId
})

/** The credentials of the dev user a local-mode gateway prints on start. */
export const devHeadersOf = (
  gateway: { readonly devToken?: string | undefined; readonly devSpaceId?: string | undefined }
) => headersFor({ token: gateway.devToken ?? "", spaceId: gateway.devSpaceId ?? "" })

/** The content negotiation headers of a raw JSON-RPC POST to `/mcp`. */
export const jsonPostHeaders = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream"
} as const

export const connectLegacy = async (
  mcpUrl: string,
  credentials: Credentials,
  options: ConstructorParameters<typeof Client>[1] = {}
) => {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers: headersFor(credentials) }
  })
  const client = new Client({ name: "e2e-legacy", version: "1.0.0" }, options)
  await client.connect(transport)
  return { client, transport }
}

export const connectModern = async (mcpUrl: string, credentials: Credentials) => {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers: headersFor(credentials) }
  })
  const client = new Client({ name: "e2e-modern", version: "1.0.0" }, {
    versionNegotiation: { mode: { pin: "2026-07-28" } }
  })
  await client.connect(transport)
  return { client, transport }
}

/** The structured result of a successful tool call; an `isError` result throws with its text. */
export const structured = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
  const result = await client.callTool({ name, arguments: args })
  if (result.isError === true) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`)
  return result.structuredContent as Record<string, any>
}
