/**
 * `npm run soak`: a long mixed load against the real `npm start` entry (production mode: its
 * mana-auth and mana-sync are a second gateway's dev stand-ins, in their own process, so the RSS
 * measured is the gateway's alone; POLICY_MODE enforce with a rate limit high enough not to trip): SOAK_CALLS tool calls (default 50 000) over
 * SOAK_SESSIONS clients (default 200, half 2025-era sessions, half 2026-07-28), with session churn
 * (every client reconnects every SOAK_CHURN calls; a 2025 client ends its session with DELETE).
 * The data is held steady by default (each user's tables fill up to SOAK_RECORDS records, then
 * the writes edit them); SOAK_MIX=grow creates all run long, SOAK_MIX=reads writes nothing.
 * Reports unexpected errors (target 0), p50/p99 and the RSS and heap troughs per tenth of the run,
 * and growth from the tenth after warm-up (default: the first 15 000 calls, or half a shorter
 * run) to the last one, trough to trough (target within 10 %).
 * Not part of `npm test`. Results go into docs/reliability.md ("Soak").
 */
import type { Client } from "@modelcontextprotocol/client"
import { startGateway } from "../test/harness/gatewayProcess.ts"
import { registerUser } from "../test/support/devUsers.ts"
import { connectLegacy, connectModern } from "../test/support/mcpClients.ts"

const totalCalls = Number(process.env["SOAK_CALLS"] ?? 50_000)
const sessions = Number(process.env["SOAK_SESSIONS"] ?? 200)
const churnEvery = Number(process.env["SOAK_CHURN"] ?? 50)
const concurrency = Number(process.env["SOAK_CONCURRENCY"] ?? 32)
const users = Number(process.env["SOAK_USERS"] ?? 20)

const quantile = (sorted: ReadonlyArray<number>, q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0

// The upstreams (dev mana-auth and mana-sync) run in a process of their own, as in production:
// in local mode their store (every change the soak writes) grew inside the measured process.
// The soak reads nothing of their output after the ready line: keep only a short tail (a kept
// audit trail grew this process by ≈ 400 bytes per call and slowed its draining of the pipe).
const keepOutput = 1048576
const upstreams = await startGateway({}, { keepOutput })
const gateway = await startGateway({
  MANA_AUTH_URL: upstreams.authUrl,
  MANA_SYNC_URL: upstreams.syncUrl,
  JWT_ISSUER: upstreams.authUrl,
  POLICY_MODE: "enforce",
  POLICY_RATE_LIMIT: "1000000",
  MAX_SESSIONS_PER_USER: "64",
  // SOAK_ENV_<NAME>=value sets <NAME> for the measured gateway (e.g. SOAK_ENV_AUDIT_LOG=off).
  ...Object.fromEntries(
    Object.entries(process.env).flatMap(([name, value]) =>
      name.startsWith("SOAK_ENV_") && value !== undefined ? [[name.slice("SOAK_ENV_".length), value]] : []
    )
  )
}, { keepOutput })
const metricMb = (metrics: string, name: string) =>
  Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, "m").exec(metrics)?.[1] ?? 0) / 1048576
/** RSS and the JS heap in use: RSS growing while the heap does not is the allocator, not retention. */
const memory = async () => {
  const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
  return {
    rss: metricMb(metrics, "mana_mcp_process_resident_memory_bytes"),
    heap: metricMb(metrics, "mana_mcp_nodejs_heap_size_used_bytes")
  }
}
const residentMb = async () => (await memory()).rss

try {
  const accounts = await Promise.all(Array.from({ length: users }, () => registerUser(upstreams.authUrl)))
  interface Slot {
    client: Client
    readonly modern: boolean
    readonly credentials: { token: string; spaceId: string }
    calls: number
  }
  // Calls in flight per client: a churned client is closed only once they are done, or churn
  // would cut off calls of other workers (a harness artifact, not a gateway error).
  const inFlight = new Map<Client, number>()
  // A churned 2025 client ends its session with DELETE, as the MCP spec asks of a client that is
  // done (SOAK_ABANDON=1: it just goes away, and the gateway holds the session, hibernated, until
  // SESSION_IDLE_TIMEOUT; that retention is by design, bounded by MAX_SESSIONS_PER_USER).
  const abandon = process.env["SOAK_ABANDON"] === "1"
  const endSession = new Map<Client, () => Promise<void>>()
  const closeWhenIdle = async (client: Client) => {
    while ((inFlight.get(client) ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, 20))
    inFlight.delete(client)
    if (!abandon) await endSession.get(client)?.().catch(() => undefined)
    endSession.delete(client)
    await client.close().catch(() => undefined)
  }
  const connect = async (modern: boolean, credentials: { token: string; spaceId: string }) => {
    if (modern) return (await connectModern(gateway.mcpUrl, credentials)).client
    const { client, transport } = await connectLegacy(gateway.mcpUrl, credentials)
    endSession.set(client, () => transport.terminateSession())
    return client
  }
  const slots: Array<Slot> = []
  for (let i = 0; i < sessions; i++) {
    const account = accounts[i % accounts.length]!
    const credentials = { token: account.accessToken, spaceId: account.personalSpaceId }
    slots.push({ client: await connect(i % 2 === 1, credentials), modern: i % 2 === 1, credentials, calls: 0 })
  }

  // The mix: five reads, three writes and one expected refusal. By default the data is held
  // steady, as a real user's roughly is: each user creates up to SOAK_RECORDS records per table
  // and then edits those (the read cache holds every user's folded tables, so data that grows
  // without end grows the gateway with it, by design). SOAK_MIX=grow creates on every write
  // (the data grows all run); SOAK_MIX=reads leaves the writes out.
  const mixName = process.env["SOAK_MIX"] ?? "steady"
  const recordsPerTable = Number(process.env["SOAK_RECORDS"] ?? 10)
  interface Call {
    readonly name: string
    readonly arguments: Record<string, unknown>
    /** A create's bookkeeping, with its result (`undefined`: it failed). */
    readonly settle?: (result: { structuredContent?: unknown; content?: unknown } | undefined) => void
  }
  /** The id of the record a create returned (its structured result holds `{ <kind>: { id } }`). */
  const createdId = (result: unknown) => /"id":"([0-9a-f-]{36})"/.exec(JSON.stringify(result))?.[1]

  const tables = new Map<string, { ids: Array<string>; creating: number }>()
  /** A create while the user's table is below the cap (or always, with SOAK_MIX=grow), else an edit of one of its records. */
  const write = (
    table: string,
    create: (n: number) => Record<string, unknown>,
    update: (n: number, id: string) => Record<string, unknown>
  ) =>
  (n: number, token: string): Call => {
    const key = `${token} ${table}`
    const own = tables.get(key) ?? { ids: [], creating: 0 }
    tables.set(key, own)
    if (mixName === "grow" || own.ids.length + own.creating < recordsPerTable || own.ids.length === 0) {
      own.creating += 1
      const settle = (result: { structuredContent?: unknown; content?: unknown } | undefined) => {
        own.creating -= 1
        const id = result === undefined ? undefined : createdId(result.structuredContent ?? result.content)
        if (id !== undefined) own.ids.push(id)
      }
      return { name: `${table}.create`, arguments: create(n), settle }
    }
    return { name: `${table}.update`, arguments: update(n, own.ids[n % own.ids.length]!) }
  }
  const fullMix: ReadonlyArray<(n: number, token: string) => Call> = [
    () => ({ name: "habits.list", arguments: {} }),
    write("habits", (n) => ({ title: `Soak habit ${n}` }), (n, id) => ({ id, title: `Soak habit ${n}` })),
    () => ({ name: "todo.list", arguments: {} }),
    write("todo", (n) => ({ title: `Soak task ${n}` }), (n, id) => ({ id, title: `Soak task ${n}` })),
    () => ({ name: "notes.search", arguments: { query: "soak" } }),
    write(
      "notes",
      (n) => ({ title: `Soak note ${n}`, content: "soak" }),
      (n, id) => ({ id, content: `soak ${n}` })
    ),
    () => ({ name: "spaces.list", arguments: {} }),
    // Expected refusals: bad input must stay a clean input error, never a defect.
    () => ({ name: "habits.create", arguments: { title: "", extra: 1 } })
  ]
  const mix = mixName === "reads" ? fullMix.filter((_, index) => index % 2 === 0 || index === 7) : fullMix
  const latencies: Array<{ at: number; ms: number }> = []
  const unexpected: Array<string> = []
  let next = 0
  let warmRss = 0
  // Memory every `sampleEvery` calls: the heap saws up by tens of MB between collections, so one
  // sample says more about where the collector was than about what is kept. Growth is measured
  // between troughs (the least RSS of the tenth after warm-up and of the last tenth).
  const sampleEvery = Math.max(50, Math.floor(totalCalls / 200))
  const samples: Array<{ at: number; rss: number; heap: number }> = []
  // Warm-up: the first 15 000 calls, or half of a shorter run (SOAK_WARMUP calls if set). RSS
  // climbs to a plateau over the first 10 000–15 000 calls whatever the run's length, while the
  // heap troughs stay flat (the allocator's retained pages, the collector's budget and the
  // bounded stores reaching their steady size; the users' tables fill up to SOAK_RECORDS): a
  // fixed 2 000 calls, or a tenth of a 20 000- or 50 000-call run, read that climb as growth.
  const warmUp = Number(process.env["SOAK_WARMUP"] ?? Math.min(15_000, Math.floor(totalCalls / 2)))
  const started = performance.now()
  const worker = async (w: number) => {
    for (;;) {
      const n = next++
      if (n >= totalCalls) return
      if (n === warmUp) warmRss = await residentMb()
      if (n % sampleEvery === 0) samples.push({ at: n, ...(await memory()) })
      const slot = slots[(n * 7 + w) % slots.length]!
      if (++slot.calls % churnEvery === 0) {
        // Churn: this client goes away (its session ends) and a new one connects in its place.
        const old = slot.client
        slot.client = await connect(slot.modern, slot.credentials)
        void closeWhenIdle(old)
      }
      const client = slot.client
      inFlight.set(client, (inFlight.get(client) ?? 0) + 1)
      const call = mix[n % mix.length]!(n, slot.credentials.token)
      const t0 = performance.now()
      try {
        const result = await client.callTool(call)
        const text = JSON.stringify(result.content)
        const expectedError = call.arguments["extra"] !== undefined
        call.settle?.(result.isError === true ? undefined : result)
        if (result.isError === true && !(expectedError && text.includes("Invalid input"))) {
          unexpected.push(`${call.name}: ${text.slice(0, 200)}`)
        }
      } catch (error) {
        call.settle?.(undefined)
        unexpected.push(`${call.name}: ${String(error).slice(0, 200)}`)
      }
      inFlight.set(client, (inFlight.get(client) ?? 1) - 1)
      latencies.push({ at: n, ms: performance.now() - t0 })
      if (n % 1_000 === 0) {
        const { heap, rss } = await memory()
        console.log(
          `… ${n} calls, ${((performance.now() - started) / 1000).toFixed(0)} s, RSS ${rss.toFixed(0)} MB, heap ${
            heap.toFixed(0)
          } MB`
        )
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)))
  const seconds = (performance.now() - started) / 1000
  const endRss = await residentMb()
  const tenth = Math.ceil(totalCalls / 10)
  console.log(
    `\nsoak: ${totalCalls} calls, ${sessions} sessions (both eras), ${users} users, churn every ${churnEvery} calls per session, concurrency ${concurrency}, ${
      seconds.toFixed(0)
    } s (${(totalCalls / seconds).toFixed(0)} calls/s)`
  )
  const trough = (from: number, to: number) => {
    const window = samples.filter((sample) => sample.at >= from && sample.at < to)
    return {
      rss: Math.min(...window.map((sample) => sample.rss)),
      heap: Math.min(...window.map((sample) => sample.heap))
    }
  }
  console.log("| calls | p50 ms | p99 ms | RSS trough MB | heap trough MB |\n|---|---|---|---|---|")
  for (let i = 0; i < 10; i++) {
    const window = latencies.filter((l) => l.at >= i * tenth && l.at < (i + 1) * tenth).map((l) => l.ms).sort((a, b) =>
      a - b
    )
    const low = trough(i * tenth, (i + 1) * tenth)
    console.log(
      `| ${i * tenth}–${Math.min(totalCalls, (i + 1) * tenth)} | ${quantile(window, 0.5).toFixed(1)} | ${
        quantile(window, 0.99).toFixed(1)
      } | ${low.rss.toFixed(0)} | ${low.heap.toFixed(0)} |`
    )
  }
  const warmTrough = trough(warmUp, warmUp + tenth)
  const endTrough = trough(totalCalls - tenth, totalCalls)
  const growth = (from: number, to: number) => `${(((to - from) / from) * 100).toFixed(1)} %`
  console.log(
    `RSS after warm-up (${warmUp} calls): ${warmRss.toFixed(0)} MB; at the end: ${endRss.toFixed(0)} MB (${
      growth(warmRss, endRss)
    }, single samples)`
  )
  console.log(
    `RSS troughs: ${warmTrough.rss.toFixed(0)} MB after warm-up, ${endTrough.rss.toFixed(0)} MB in the last tenth (${
      growth(warmTrough.rss, endTrough.rss)
    }); heap troughs ${warmTrough.heap.toFixed(0)} → ${endTrough.heap.toFixed(0)} MB (${
      growth(warmTrough.heap, endTrough.heap)
    })`
  )
  console.log(`unexpected errors: ${unexpected.length}`)
  for (const line of unexpected.slice(0, 10)) console.log(`  ${line}`)
  const defects = /^mana_mcp_tool_defects_total\{[^}]*\} (\d+)/m.exec(
    await (await fetch(`${gateway.baseUrl}/metrics`)).text()
  )
  console.log(`tool defects counted: ${defects?.[1] ?? 0}`)
  process.exitCode = unexpected.length === 0 ? 0 : 1
} finally {
  await gateway.stop()
  await upstreams.stop()
}
