/**
 * A Transport wrapper (the SDK's public `Transport` interface) that makes the ids of
 * server→client requests — elicitation, sampling, roots, ping — name the instance that sent them:
 * `<instanceId>~<id>`. Several instances can serve one 2025 session, and the client may answer on
 * any of them; the receiving instance reads the owner from the id and forwards the answer over the
 * SessionBus (`LegacySessions`), and the owner turns the id back before its `Server` sees it. It
 * also keeps ids unique per session across instances (each `Server` counts from 0).
 */
import type {
  JSONRPCMessage,
  MessageExtraInfo,
  Transport,
  TransportSendOptions,
  WebStandardStreamableHTTPServerTransport
} from "@modelcontextprotocol/server"

const separator = "~"

/** The instance a client's JSON-RPC response is addressed to, if it answers a routed request. */
export const responseOwner = (message: unknown): string | undefined => {
  if (typeof message !== "object" || message === null || "method" in message) return undefined
  const id = (message as { id?: unknown }).id
  if (typeof id !== "string") return undefined
  const at = id.indexOf(separator)
  return at > 0 ? id.slice(0, at) : undefined
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

export class RoutedTransport implements Transport {
  onclose?: (() => void) | undefined
  onerror?: ((error: Error) => void) | undefined
  onmessage?: (<T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void) | undefined

  constructor(readonly inner: WebStandardStreamableHTTPServerTransport, private readonly instanceId: string) {
    inner.onclose = () => this.onclose?.()
    inner.onerror = (error) => this.onerror?.(error)
    inner.onmessage = (message, extra) => this.receive(message, extra)
  }

  get sessionId() {
    return this.inner.sessionId
  }

  setSupportedProtocolVersions = (versions: Array<string>) => this.inner.setSupportedProtocolVersions(versions)

  start() {
    return this.inner.start()
  }

  close() {
    return this.inner.close()
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions) {
    const related = options?.relatedRequestId
    return this.inner.send(this.outgoing(message), related === undefined ? undefined : { relatedRequestId: related })
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

  private receive(message: JSONRPCMessage, extra?: MessageExtraInfo) {
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
