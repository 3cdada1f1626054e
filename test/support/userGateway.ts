/**
 * The usual end-to-end setup: a gateway started through `npm start`, a freshly registered dev
 * user, and that user's 2025-era SDK client in their personal space. `stop` closes the client,
 * then the gateway.
 */
import type { Client } from "@modelcontextprotocol/client"
import { type DevUser, registerUser } from "./devUsers.ts"
import { type Gateway, startGateway } from "./gateway.ts"
import { connectLegacy } from "./mcpClients.ts"

export interface UserGateway {
  readonly gateway: Gateway
  readonly user: DevUser
  readonly client: Client
  readonly stop: () => Promise<void>
}

export const startUserGateway = async (env: Record<string, string> = {}): Promise<UserGateway> => {
  const gateway = await startGateway(env)
  const user = await registerUser(gateway.authUrl)
  const { client } = await connectLegacy(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })
  const stop = async () => {
    await client.close()
    await gateway.stop()
  }
  return { gateway, user, client, stop }
}
