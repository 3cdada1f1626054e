/**
 * PlainAnswers: a lone response becomes one JSON body; anything sent before it turns the answer
 * into an SSE stream carrying both; a closed session answers what still waits; once the client is
 * gone, what the call sends is dropped (never handed to the SDK transport, which would throw).
 * `answersPlainly` picks reads, lists and ping, never writes or unknown tools.
 */
import { describe, expect, it } from "vitest"
import { answersPlainly, isPlainRequest, PlainAnswers } from "../../../src/transport/legacy/plainAnswers.ts"

const hints = new Map([["habits.list", "read"], ["habits.create", "write"], ["habits.delete", "destructive"]] as const)
const hintOf = (tool: string) => hints.get(tool as "habits.list")
const call = (name: string) => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } })
const result = (id: number) => ({ jsonrpc: "2.0" as const, id, result: { content: [] } })
const warning = { jsonrpc: "2.0" as const, method: "notifications/message", params: { level: "warning", data: "w" } }

describe("PlainAnswers", () => {
  it("picks reads, lists and ping; not writes, destructive or unknown tools, initialize or batches", () => {
    expect(answersPlainly(call("habits.list"), hintOf)).toBe(true)
    expect(answersPlainly({ jsonrpc: "2.0", id: 2, method: "tools/list" }, hintOf)).toBe(true)
    expect(answersPlainly({ jsonrpc: "2.0", id: 2, method: "ping" }, hintOf)).toBe(true)
    expect(answersPlainly(call("habits.create"), hintOf)).toBe(false)
    expect(answersPlainly(call("habits.delete"), hintOf)).toBe(false)
    expect(answersPlainly(call("no.such"), hintOf)).toBe(false)
    expect(answersPlainly({ jsonrpc: "2.0", id: 2, method: "initialize", params: {} }, hintOf)).toBe(false)
    expect(answersPlainly([call("habits.list")], hintOf)).toBe(false)
    expect(isPlainRequest(call("habits.list"))).toBe(true)
    expect(isPlainRequest({ ...call("habits.list"), id: null })).toBe(false)
    expect(isPlainRequest({ ...call("habits.list"), params: [] })).toBe(false)
  })

  it("answers a lone response as JSON with the session id", async () => {
    const plain = new PlainAnswers()
    const answer = plain.open(1, "s-1", new AbortController().signal)
    expect(plain.take(result(2), undefined)).toBe(false)
    expect(plain.take(result(1), undefined)).toBe(true)
    const response = await answer
    expect(response.headers.get("content-type")).toMatch(/^application\/json/)
    expect(response.headers.get("mcp-session-id")).toBe("s-1")
    expect(await response.json()).toEqual(result(1))
    // Answered: the id is free again.
    expect(plain.take(result(1), undefined)).toBe(false)
  })

  it("switches to SSE when a related message comes first, and ends the stream with the response", async () => {
    const plain = new PlainAnswers()
    const answer = plain.open(1, "s-1", new AbortController().signal)
    expect(plain.take(warning, 1)).toBe(true)
    const response = await answer
    expect(response.headers.get("content-type")).toBe("text/event-stream")
    expect(plain.take(result(1), undefined)).toBe(true)
    const events = (await response.text()).split("\n\n").filter((event) => event !== "")
    expect(events.map((event) => JSON.parse(event.replace(/^event: message\ndata: /, "")))).toEqual([
      warning,
      result(1)
    ])
  })

  it("answers waiting requests with a JSON-RPC error when the session closes", async () => {
    const plain = new PlainAnswers()
    const answer = plain.open(5, "s-1", new AbortController().signal)
    plain.closeAll()
    const response = await answer
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ id: 5, error: { code: -32001 } })
  })

  it("drops what a call sends after its client went away", () => {
    const plain = new PlainAnswers()
    const abort = new AbortController()
    void plain.open(1, "s-1", abort.signal)
    abort.abort()
    expect(plain.take(warning, 1)).toBe(true)
    expect(plain.take(result(1), undefined)).toBe(true)
    expect(plain.take(result(1), undefined)).toBe(false)
  })
})
