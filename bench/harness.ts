/**
 * What every benchmark shares: the report shape `run.ts` prints and saves, starting a real
 * gateway (`npm start`, local mode, fresh data dir, policy gate off so rate limits never skew a
 * measurement) around a benchmark, and calling tools through an MCP SDK client with the result
 * checked, so a benchmark can never time a fast error. Knows nothing about individual benchmarks.
 */
import type { Client } from "@modelcontextprotocol/client"
import { Schema } from "effect"
import { type Gateway, startGateway } from "../test/harness/gatewayProcess.ts"
import { postModern } from "../test/support/modernPost.ts"
import type { Summary, Throughput } from "./stats.ts"

export interface LatencyRow {
  readonly label: string
  readonly summary: Summary
}

export interface ThroughputRow {
  readonly label: string
  readonly throughput: Throughput
}

/** A same-run comparison: `value` is gateway ÷ ceiling (or case ÷ case) of the medians. */
export interface Ratio {
  readonly label: string
  readonly value: number
  readonly meaning: string
}

export interface BenchOutcome {
  readonly params: Readonly<Record<string, string | number>>
  readonly latencies: ReadonlyArray<LatencyRow>
  readonly throughputs: ReadonlyArray<ThroughputRow>
  readonly ratios: ReadonlyArray<Ratio>
  readonly notes: ReadonlyArray<string>
}

export interface BenchReport extends BenchOutcome {
  readonly id: string
  readonly title: string
  readonly seconds: number
}

export interface Benchmark {
  readonly id: string
  readonly title: string
  readonly run: () => Promise<BenchOutcome>
}

/** The environment every bench gateway gets: no policy gate (its rate limit would deny calls). */
export const benchEnv: Readonly<Record<string, string>> = { POLICY_MODE: "off" }

export const withGateway = async <A>(
  run: (gateway: Gateway) => Promise<A>,
  env: Record<string, string> = {}
): Promise<A> => {
  const gateway = await startGateway({ ...benchEnv, ...env })
  try {
    return await run(gateway)
  } catch (error) {
    console.error(`benchmark failed; the gateway's last output:\n${gateway.output().slice(-4000)}`)
    throw error
  } finally {
    // The gateway may already be gone (that is then the error above); stopping it must not hide it.
    await gateway.stop().catch(() => undefined)
  }
}

const ToolResult = Schema.Struct({
  isError: Schema.optional(Schema.Boolean),
  content: Schema.optional(Schema.Unknown),
  structuredContent: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

/** Calls a tool and returns its structured result; a tool error aborts the benchmark. */
export const callTool = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
  const result = Schema.decodeUnknownSync(ToolResult)(await client.callTool({ name, arguments: args }))
  if (result.isError === true || result.structuredContent === undefined) {
    throw new Error(`${name} failed: ${JSON.stringify(result.content)}`)
  }
  return result.structuredContent
}

const listLength = (value: unknown) => Schema.decodeUnknownSync(Schema.Array(Schema.Unknown))(value).length

/** Calls a tool and checks that the array `key` of its result has `expected` entries. */
export const callExpecting = async (
  client: Client,
  name: string,
  args: Record<string, unknown>,
  key: string,
  expected: number
) => {
  const length = listLength((await callTool(client, name, args))[key])
  if (length !== expected) throw new Error(`${name} returned ${length} ${key}, expected ${expected}`)
}

export const ratio = (numerator: Summary, denominator: Summary) => numerator.medianMs / denominator.medianMs

const JsonRpcReply = Schema.Struct({
  result: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  error: Schema.optional(Schema.Unknown)
})

/**
 * One 2026-07-28-era request without an SDK client (the `_meta` envelope, the routing headers,
 * a JSON reply): measures the gateway without client-side SDK work. Any error aborts the run.
 */
export const rawModern = async (
  mcpUrl: string,
  headers: Readonly<Record<string, string>>,
  method: string,
  params: Record<string, unknown> = {}
) => {
  const response = await postModern(mcpUrl, headers, method, params)
  if (response.status !== 200) throw new Error(`${method} -> HTTP ${response.status}: ${await response.text()}`)
  const reply = Schema.decodeUnknownSync(JsonRpcReply)(await response.json())
  if (reply.result === undefined || reply.result["isError"] === true) {
    throw new Error(`${method} failed: ${JSON.stringify(reply.error ?? reply.result)}`)
  }
  return reply.result
}

/** The delta pull of the read cache starts this long before its cursor (ReadCache `overlap`). */
export const OVERLAP_MS = 5000

/** Waits until rows seeded at `seededAt` (performance.now) are outside the read cache's overlap. */
export const waitPastOverlap = async (seededAt: number) => {
  const remaining = seededAt + OVERLAP_MS + 500 - performance.now()
  if (remaining > 0) await new Promise<void>((resolve) => setTimeout(resolve, remaining))
}
