/**
 * A loopback server standing in for a Client ID Metadata Document host, for the fetch bounds:
 * it counts requests, the most it held open at once, and the responses it finished sending (a
 * bounded reader closes a huge one before it is finished). Handlers get the document's own URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export interface DocumentServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string
  readonly requests: () => number
  readonly maxOpen: () => number
  readonly finished: () => number
  readonly close: () => Promise<void>
}

export type DocumentHandler = (request: IncomingMessage, response: ServerResponse, self: string) => void

export const startDocumentServer = async (handler: DocumentHandler): Promise<DocumentServer> => {
  let requests = 0
  let open = 0
  let maxOpen = 0
  let finished = 0
  const server = createServer((request, response) => {
    requests++
    open++
    maxOpen = Math.max(maxOpen, open)
    response.on("finish", () => finished++)
    response.on("close", () => open--)
    handler(request, response, `http://127.0.0.1:${(server.address() as AddressInfo).port}${request.url ?? "/"}`)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    maxOpen: () => maxOpen,
    finished: () => finished,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A valid metadata document naming itself, for `redirectUri`. */
export const metadataDocument = (self: string, redirectUri: string, name = "Metadata Client") =>
  JSON.stringify({ client_id: self, client_name: name, redirect_uris: [redirectUri] })

/**
 * Streams a JSON document of `total` bytes (a string field padded with spaces) without
 * `Content-Length`, honouring back-pressure, until done or the reader hangs up.
 */
export const streamHugeDocument = (response: ServerResponse, self: string, total: number) => {
  response.writeHead(200, { "content-type": "application/json" })
  const head = `{"client_id":${JSON.stringify(self)},"redirect_uris":["http://127.0.0.1/callback"],"pad":"`
  const chunk = Buffer.alloc(64 * 1024, " ")
  let sent = 0
  const pump = () => {
    while (!response.destroyed && sent < total) {
      sent += chunk.length
      if (!response.write(chunk)) return void response.once("drain", pump)
    }
    if (!response.destroyed) response.end(`"}`)
  }
  response.write(head)
  pump()
}
