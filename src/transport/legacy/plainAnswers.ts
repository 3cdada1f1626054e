/**
 * Plain answers for a 2025 session: requests a client can simply send again (reads, lists, ping;
 * `answersPlainly`) skip the SDK transport's per-request SSE stream. The request goes straight to
 * the session's `Server` and its answer comes back as one `application/json` body. The SDK's SSE
 * path costs, per call, a priming event sent ahead of the result (a second write, and a second
 * wake-up for the client), an event-store copy of the result (a second `JSON.stringify`), a
 * keep-alive timer and a streamed body. That path exists so a long call's result survives a cut
 * connection (`Last-Event-ID`); a read that is cut is just read again. Should a call send
 * anything before its result (a `warning` log notification), its answer becomes an SSE stream
 * at that moment and carries both, without event ids.
 */
import type { JSONRPCMessage, JSONRPCRequest } from "@modelcontextprotocol/server"
import type { PolicyHint } from "../../domain/PolicyHint.ts"
import { isRecord, isRequestId, type RequestId, toolCallName } from "../http/jsonRpc.ts"
import { sseFrame, sseHeaders } from "./sseFrames.ts"

interface Waiting {
  readonly resolve: (response: Response) => void
  readonly sessionId: string | undefined
  /** Set once the answer became an SSE stream. */
  stream: ReadableStreamDefaultController<Uint8Array> | undefined
  /** The client went away: what the call still sends is dropped. */
  gone: boolean
}

/** Methods whose answer only reads: safe to repeat, never a question back to the client. */
const plainMethods = new Set([
  "ping",
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/templates/list",
  // Prompts and completions only read (a prompt's reads are read tools) and never ask the client.
  "prompts/get",
  "completion/complete"
])

/**
 * True when a parsed `/mcp` body is one request the client can repeat without harm: a listed
 * method, or a `tools/call` of a read tool (`hintOf` knows the registry; unknown names and the
 * conformance fixtures that ask the client something are not read tools).
 */
export const answersPlainly = (body: unknown, hintOf: (tool: string) => PolicyHint | undefined): boolean => {
  if (!isRecord(body) || typeof body["method"] !== "string") return false
  if (plainMethods.has(body["method"])) return true
  const name = toolCallName(body)
  return name !== undefined && hintOf(name) === "read"
}

/**
 * A JSON-RPC request as the SDK transport would pass it on (its own validation is a shape check;
 * the `Server` validates the params of each method again).
 */
export const isPlainRequest = (value: unknown): value is JSONRPCRequest =>
  isRecord(value) && value["jsonrpc"] === "2.0" && isRequestId(value["id"]) && typeof value["method"] === "string" &&
  value["method"] !== "initialize" && (value["params"] === undefined || isRecord(value["params"]))

const encoder = new TextEncoder()

const sseEvent = (message: JSONRPCMessage) => encoder.encode(sseFrame(JSON.stringify(message)))

const isResponse = (message: JSONRPCMessage): message is JSONRPCMessage & { readonly id: RequestId } =>
  !("method" in message) && "id" in message && isRequestId(message.id)

const sessionHeader = (sessionId: string | undefined): Record<string, string> =>
  sessionId === undefined ? {} : { "mcp-session-id": sessionId }

/** The requests of one session being answered plainly, by JSON-RPC id. */
export class PlainAnswers {
  private readonly waiting = new Map<RequestId, Waiting>()

  /** Waits for the answer to request `id`; when the client goes away, what the call sends later is dropped. */
  open(id: RequestId, sessionId: string | undefined, signal: AbortSignal): Promise<Response> {
    return new Promise((resolve) => {
      const waiting: Waiting = { resolve, sessionId, stream: undefined, gone: false }
      this.waiting.set(id, waiting)
      signal.addEventListener("abort", () => {
        waiting.gone = true
      }, { once: true })
    })
  }

  /**
   * Takes an outgoing message that belongs to a request answered here — its response, or a
   * message sent on its behalf — and writes it; false when it belongs to no such request.
   */
  take(message: JSONRPCMessage, relatedRequestId: RequestId | undefined): boolean {
    const final = isResponse(message)
    const id = final ? message.id : relatedRequestId
    const waiting = id === undefined ? undefined : this.waiting.get(id)
    if (id === undefined || waiting === undefined) return false
    if (final) this.waiting.delete(id)
    if (waiting.gone) return true
    if (final && waiting.stream === undefined) {
      waiting.resolve(Response.json(message, { status: 200, headers: sessionHeader(waiting.sessionId) }))
      return true
    }
    if (waiting.stream === undefined) this.startStream(waiting)
    waiting.stream?.enqueue(sseEvent(message))
    if (final) waiting.stream?.close()
    return true
  }

  /** The session closed: requests still waiting are told so, as the SDK tells a closed session's requests. */
  closeAll() {
    for (const [id, waiting] of this.waiting) {
      if (waiting.gone) continue
      const error = { jsonrpc: "2.0", id, error: { code: -32001, message: "Session not found" } } as const
      if (waiting.stream === undefined) {
        waiting.resolve(Response.json(error, { status: 404, headers: sessionHeader(waiting.sessionId) }))
      } else {
        waiting.stream.enqueue(sseEvent(error))
        waiting.stream.close()
      }
    }
    this.waiting.clear()
  }

  private startStream(waiting: Waiting) {
    const body = new ReadableStream<Uint8Array>({
      // Runs synchronously, inside the constructor.
      start: (controller) => {
        waiting.stream = controller
      },
      cancel: () => {
        waiting.gone = true
      }
    })
    waiting.resolve(
      new Response(body, {
        status: 200,
        headers: { ...sseHeaders, ...sessionHeader(waiting.sessionId) }
      })
    )
  }
}
