/**
 * A Transport wrapper (the SDK's public `Transport` interface) that makes the ids of
 * server→client requests — elicitation, sampling, roots, ping — name the instance that sent them:
 * `<instanceId>~<id>`. Several instances can serve one 2025 session, and the client may answer on
 * any of them; the receiving instance reads the owner from the id and forwards the answer over the
 * SessionBus (`LegacySessions`), and the owner turns the id back before its `Server` sees it. It
 * also keeps ids unique per session across instances (each `Server` counts from 0). Requests the
 * caller marks as plain (`plainAnswers.ts`) bypass the SDK transport's SSE stream: they go straight
 * to the `Server`, and their answers are taken out of `send` before the SDK transport sees them.
 * Since it sees every message both ways, it also knows whether the session is `busy` — a client
 * request not yet answered, or a request of this server the client has not answered — which keeps
 * it from hibernating (`LegacySessions`).
 */
import type {
  AuthInfo,
  JSONRPCMessage,
  MessageExtraInfo,
  Transport,
  TransportSendOptions,
  WebStandardStreamableHTTPServerTransport
} from "@modelcontextprotocol/server"
import { isRecord, isRequestId, type RequestId } from "../http/jsonRpc.ts"
import { isPlainRequest, PlainAnswers } from "./plainAnswers.ts"

const separator = "~"

/** The instance a client's JSON-RPC response is addressed to, if it answers a routed request. */
export const responseOwner = (message: unknown): string | undefined => {
  if (typeof message !== "object" || message === null || "method" in message) return undefined
  const id = (message as { id?: unknown }).id
  if (typeof id !== "string") return undefined
  const at = id.indexOf(separator)
  return at > 0 ? id.slice(0, at) : undefined
}

/** The request a `notifications/cancelled` names, if the message is one. */
const cancelledRequest = (message: JSONRPCMessage): RequestId | undefined =>
  "method" in message && message.method === "notifications/cancelled" && isRecord(message.params) &&
    isRequestId(message.params["requestId"])
    ? message.params["requestId"]
    : undefined

export class RoutedTransport implements Transport {
  /** The client's requests this server has not answered yet (a cancelled one is never answered). */
  private readonly unanswered = new Set<RequestId>()
  /** This server's requests (with their routed ids) the client has not answered yet. */
  private readonly awaiting = new Set<RequestId>()

  onclose?: (() => void) | undefined
  onerror?: ((error: Error) => void) | undefined
  onmessage?: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined

  private readonly plain = new PlainAnswers()
  private supportedVersions: ReadonlyArray<string> = []
  private closed = false

  constructor(readonly inner: WebStandardStreamableHTTPServerTransport, private readonly instanceId: string) {
    inner.onclose = () => {
      this.closed = true
      this.plain.closeAll()
      this.onclose?.()
    }
    inner.onerror = (error) => this.onerror?.(error)
    inner.onmessage = (message, extra) => this.receive(message, extra)
  }

  get sessionId() {
    return this.inner.sessionId
  }

  setSupportedProtocolVersions = (versions: Array<string>) => {
    this.supportedVersions = versions
    this.inner.setSupportedProtocolVersions(versions)
  }

  /**
   * One HTTP request of the session. `plain`: the caller judged it a request the client can simply
   * repeat (`answersPlainly`); it is then answered without the SDK's SSE stream if it is a
   * well-formed request this session's transport would accept. Anything else — and every refusal
   * — is the SDK transport's.
   */
  handleRequest(
    request: Request,
    options: { readonly parsedBody: unknown; readonly authInfo: AuthInfo },
    plain: boolean
  ): Promise<Response> {
    const message = plain ? this.acceptsPlain(request, options.parsedBody) : undefined
    if (message === undefined) return this.inner.handleRequest(request, options)
    const answer = this.plain.open(message.id, this.inner.sessionId, request.signal)
    this.receive(message, { authInfo: options.authInfo, request })
    return answer
  }

  /** The checks the SDK transport makes on a POST of an initialized session, for one request. */
  acceptsPlain(request: Request, body: unknown) {
    if (this.closed || request.method !== "POST" || !isPlainRequest(body)) return undefined
    const accept = request.headers.get("accept") ?? ""
    if (!accept.includes("application/json") || !accept.includes("text/event-stream")) return undefined
    const sessionId = this.inner.sessionId
    if (sessionId === undefined || request.headers.get("mcp-session-id") !== sessionId) return undefined
    const version = request.headers.get("mcp-protocol-version")
    if (version !== null && !this.supportedVersions.includes(version)) return undefined
    return body
  }

  start() {
    return this.inner.start()
  }

  close() {
    return this.inner.close()
  }

  /** True while a request is open in either direction: the session is in use even without traffic. */
  get busy(): boolean {
    return this.unanswered.size > 0 || this.awaiting.size > 0
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions) {
    const related = options?.relatedRequestId
    const routed = this.outgoing(message)
    this.track(routed, this.awaiting, this.unanswered)
    if (this.plain.take(routed, related)) return Promise.resolve()
    return this.inner.send(routed, related === undefined ? undefined : { relatedRequestId: related })
  }

  /** A client's answer to one of this instance's requests, forwarded by another instance. */
  deliver(message: JSONRPCMessage) {
    this.receive(message)
  }

  private outgoing(message: JSONRPCMessage): JSONRPCMessage {
    if ("method" in message && "id" in message) return { ...message, id: `${this.instanceId}${separator}${message.id}` }
    // The server cancelling its own request names that request's id.
    if ("method" in message && message.method === "notifications/cancelled" && isRecord(message.params)) {
      const requestId = message.params["requestId"]
      return requestId === undefined
        ? message
        : { ...message, params: { ...message.params, requestId: `${this.instanceId}${separator}${requestId}` } }
    }
    return message
  }

  /** A request opens an entry in `opened`; a response or a cancellation closes one in `answered`. */
  private track(message: JSONRPCMessage, opened: Set<RequestId>, answered: Set<RequestId>) {
    if (!("id" in message) || !isRequestId(message.id)) {
      const cancelled = cancelledRequest(message)
      if (cancelled !== undefined) opened.delete(cancelled)
    } else if ("method" in message) opened.add(message.id)
    else answered.delete(message.id)
  }

  private receive(message: JSONRPCMessage, extra?: MessageExtraInfo) {
    this.track(message, this.unanswered, this.awaiting)
    if (!("method" in message) && "id" in message && typeof message.id === "string") {
      const prefix = `${this.instanceId}${separator}`
      if (message.id.startsWith(prefix)) {
        const original = message.id.slice(prefix.length)
        const id = /^\d+$/.test(original) ? Number(original) : original
        this.onmessage?.({ ...message, id }, extra)
        return
      }
    }
    this.onmessage?.(message, extra)
  }
}
