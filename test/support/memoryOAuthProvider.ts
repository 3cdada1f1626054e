/**
 * An in-memory OAuth client provider for the MCP SDK client, the way a desktop MCP host keeps its
 * registration, PKCE verifier and tokens: shared by the browser sign-in tests.
 */
import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens
} from "@modelcontextprotocol/client"

/** An in-memory OAuth client, the way a desktop MCP host keeps its registration and tokens. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  readonly authorizationUrls: Array<URL> = []
  readonly savedTokens: Array<{ readonly tokens: StoredOAuthTokens; readonly at: number }> = []
  private client: StoredOAuthClientInformation | undefined
  private verifier = ""
  private discovery: OAuthDiscoveryState | undefined
  constructor(private readonly callbackUrl: string) {}
  get redirectUrl() {
    return this.callbackUrl
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Example MCP client",
      redirect_uris: [this.callbackUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none"
    }
  }
  clientInformation() {
    return this.client
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.client = info
  }
  tokens() {
    return this.savedTokens.at(-1)?.tokens
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.savedTokens.push({ tokens, at: Date.now() })
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrls.push(url)
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier
  }
  codeVerifier() {
    return this.verifier
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state
  }
  discoveryState() {
    return this.discovery
  }
}
