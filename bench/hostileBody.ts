/**
 * Issue #25 item 3: a hostile body is refused before it is parsed. A 3.4 MB `tools/call` with
 * 290 000 unknown argument keys, end to end over HTTP (the whole body written by the client,
 * timed until the answer's status line), against a bare `JSON.parse` of the same bytes in this
 * (Bun) process, in the same run. For context, the same keys one level down (under one unknown
 * property): that body must be parsed whole and is refused by the tool.
 */
import { connect } from "node:net"
import type { Gateway } from "../test/harness/gatewayProcess.ts"
import { devHeadersOf, jsonPostHeaders } from "../test/support/mcpClients.ts"
import { type Benchmark, withGateway } from "./harness.ts"
import { summarize, timeOnce } from "./stats.ts"

const KEYS = 290_000
const REPS = 15
const WARMUP = 3

const bodyOf = (args: unknown) =>
  Buffer.from(
    JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "habits.create", arguments: args } })
  )

/** A 2025-era session to send the calls in (as the hostile-input trial did). */
const openSession = async (gateway: Gateway) => {
  const response = await fetch(gateway.mcpUrl, {
    method: "POST",
    headers: { ...jsonPostHeaders, ...devHeadersOf(gateway) },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bench", version: "1" } }
    })
  })
  await response.body?.cancel()
  return response.headers.get("mcp-session-id") ?? ""
}

/** Writes the whole request on a fresh connection; resolves with the answer once `expected` arrived. */
const send = (gateway: Gateway, session: string, body: Buffer, expected: string) =>
  new Promise<string>((resolve, reject) => {
    const url = new URL(gateway.mcpUrl)
    const socket = connect({ host: url.hostname, port: Number(url.port) })
    let received = ""
    const headers = {
      ...jsonPostHeaders,
      ...devHeadersOf(gateway),
      "mcp-protocol-version": "2025-11-25",
      "mcp-session-id": session,
      "content-length": String(body.length),
      connection: "close"
    }
    socket.on("data", (data) => {
      received += data.toString()
      if (received.includes(expected)) {
        socket.destroy()
        resolve(received)
      }
    })
    // The gateway may close while the rest of a refused body is still being written: expected.
    socket.on("error", () => undefined)
    socket.on("close", () => reject(new Error(`no answer: ${received.slice(0, 700)}`)))
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join("\r\n")
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\n${head}\r\n\r\n`)
    socket.write(body)
  })

export const hostileBody: Benchmark = {
  id: "hostile-body",
  title: `Hostile body: ${KEYS.toLocaleString("en")} unknown argument keys refused before parsing`,
  run: () =>
    withGateway(async (gateway) => {
      const keys: Record<string, number> = {}
      for (let i = 0; i < KEYS; i++) keys[`kkk${i.toString(36).padStart(4, "0")}`] = 1
      const hostile = bodyOf(keys)
      const nested = bodyOf({ title: "Walk", pad: keys })
      const text = hostile.toString()
      const parse = () => Promise.resolve(JSON.parse(text))
      const session = await openSession(gateway)
      const refuse = () => send(gateway, session, hostile, "more than 1000 properties")
      const parsed = () => send(gateway, session, nested, "pad: is not a property")
      const samples = { parse: [] as Array<number>, refuse: [] as Array<number>, parsed: [] as Array<number> }
      for (let i = 0; i < WARMUP + REPS; i++) {
        const round = { parse: await timeOnce(parse), refuse: await timeOnce(refuse), parsed: await timeOnce(parsed) }
        if (i < WARMUP) continue
        samples.parse.push(round.parse)
        samples.refuse.push(round.refuse)
        samples.parsed.push(round.parsed)
      }
      const parseSummary = summarize(samples.parse)
      const refuseSummary = summarize(samples.refuse)
      const parsedSummary = summarize(samples.parsed)
      return {
        params: { keys: KEYS, bodyMB: Number((hostile.length / 1e6).toFixed(2)), reps: REPS },
        latencies: [
          { label: "bare JSON.parse of the body (Bun, this process)", summary: parseSummary },
          { label: "gateway: refused over HTTP, end to end", summary: refuseSummary },
          { label: "gateway: the same keys one level down (parsed whole, refused by the tool)", summary: parsedSummary }
        ],
        throughputs: [],
        ratios: [
          {
            label: "refusal ÷ bare JSON.parse",
            value: refuseSummary.medianMs / parseSummary.medianMs,
            meaning: "target ≤ 0.25: the refusal costs a small fraction of parsing the body"
          },
          {
            label: "parsed whole ÷ bare JSON.parse",
            value: parsedSummary.medianMs / parseSummary.medianMs,
            meaning: "what the body costs when it must be parsed (before the scan, the hostile body did too)"
          }
        ],
        notes: []
      }
    })
}
