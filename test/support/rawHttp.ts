/**
 * A raw HTTP/1.1 request over a TCP socket whose body the test sends when (and if) it likes: for
 * slow bodies, stalled uploads and answers that come before the body's end. Resolves with the
 * status, the raw answer and whether the server closed the connection.
 */
import { connect, type Socket } from "node:net"

export interface RawAnswer {
  readonly status: number
  readonly text: string
}

export interface RawRequest {
  readonly socket: Socket
  /** The first answer's status line and what arrived with it. */
  readonly answer: Promise<RawAnswer>
  /** Resolves when the server (or the test) closed the connection. */
  readonly closed: Promise<void>
  /** How many body bytes the test had written when the answer arrived. */
  readonly sentWhenAnswered: () => number
  readonly write: (chunk: string | Uint8Array) => void
}

export const rawRequest = (
  url: string,
  headers: Record<string, string>,
  options: { readonly localAddress?: string; readonly method?: string } = {}
): RawRequest => {
  const target = new URL(url)
  const socket = connect({
    host: target.hostname,
    port: Number(target.port),
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress })
  })
  let sent = 0
  let sentAtAnswer = -1
  let received = ""
  const answer = new Promise<RawAnswer>((resolve) => {
    socket.on("data", (data) => {
      if (sentAtAnswer < 0) sentAtAnswer = sent
      received += data.toString()
      // Interim answers (100 Continue) are not the answer.
      const final = received.replace(/^(HTTP\/1\.1 1\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+/, "")
      const status = Number(/^HTTP\/1\.1 ([2-5]\d\d)/.exec(final)?.[1] ?? 0)
      if (status > 0 && final.includes("\r\n\r\n")) resolve({ status, text: final })
    })
    socket.on("close", () => resolve({ status: 0, text: received }))
  })
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()))
  socket.on("error", () => undefined)
  const head = [
    `${options.method ?? "POST"} ${target.pathname} HTTP/1.1`,
    `host: ${target.host}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  ].join("\r\n")
  socket.write(`${head}\r\n\r\n`)
  const write = (chunk: string | Uint8Array) => {
    if (socket.destroyed) return
    sent += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length
    socket.write(chunk)
  }
  return { socket, answer, closed, sentWhenAnswered: () => sentAtAnswer, write }
}
