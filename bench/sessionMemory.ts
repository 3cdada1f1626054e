/**
 * Benchmark `session-memory`: resident memory per idle 2025-era session. The gateway runs in
 * remote mode in its own process (so the dev upstreams' memory is not counted), with its default
 * SESSION_HIBERNATE_AFTER; one user may open them all (`MAX_SESSIONS_PER_USER` raised), and each
 * session is opened like a client does (initialize, then `notifications/initialized`, no GET
 * stream) and then left idle. RSS is read from `/proc/<pid>/status` after it settles, as the
 * median of several samples: before the sessions, right after opening them (still live), and once
 * `/metrics` shows every one of them hibernated — the state an idle session settles in, and the
 * figure the target is about. Then it prices waking: `spaces.list` on a sample of the hibernated
 * sessions (each call rebuilds its session) against the same call on the same sessions, now live —
 * latency and gateway CPU per call.
 */
import { readFileSync } from "node:fs"
import { startGateway } from "../test/harness/gatewayProcess.ts"
import { registerUser } from "../test/support/devUsers.ts"
import { headersFor } from "../test/support/mcpClients.ts"
import { benchEnv, type Benchmark } from "./harness.ts"
import { processCpuSeconds } from "./processes.ts"
import { openLegacySession, type RawSession } from "./rawMcp.ts"
import { sleep, summarize, timeOnce } from "./stats.ts"

const SESSIONS = 3000
const CONCURRENCY = 16
const SAMPLES = 7
/** The gateway's default SESSION_HIBERNATE_AFTER (30 s) plus two of its sweeps and a margin. */
const HIBERNATION_WAIT_MS = 90_000
const MAX_SETTLE_MS = 60_000
/** Sessions woken one after another to price a wake-up. */
const WAKE_SAMPLE = 300

const rssBytes = (pid: number | undefined): number => {
  if (pid === undefined) return Number.NaN
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))
  return Number(line?.replace(/\D+/g, "") ?? Number.NaN) * 1024
}

/**
 * Waits for RSS to settle, then the median of `SAMPLES` readings 300 ms apart. After a large free
 * (`decreasing`) the runtime hands pages back over several seconds: wait until RSS has not dropped
 * by more than 1 % over 10 s (at most `MAX_SETTLE_MS`).
 */
const settledRss = async (pid: number | undefined, options: { readonly decreasing?: boolean } = {}) => {
  await sleep(2000)
  if (options.decreasing === true) {
    const window: Array<number> = [rssBytes(pid)]
    for (let waited = 0; waited < MAX_SETTLE_MS; waited += 2000) {
      await sleep(2000)
      window.push(rssBytes(pid))
      if (window.length > 6) window.shift()
      if (window.length === 6 && (window[0] ?? 0) - (window[5] ?? 0) < 0.01 * (window[0] ?? 0)) break
    }
  }
  const samples: Array<number> = []
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(rssBytes(pid))
    await sleep(300)
  }
  return samples.sort((a, b) => a - b)[Math.floor(SAMPLES / 2)] ?? Number.NaN
}

const hibernatedSessions = async (baseUrl: string) => {
  const text = await (await fetch(`${baseUrl}/metrics`)).text()
  const line = text.split("\n").find((candidate) => candidate.startsWith("mana_mcp_sessions_hibernated{"))
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1))
}

/** Waits (bounded) until `/metrics` shows at least `count` hibernated sessions; the seconds it took. */
const awaitHibernation = async (baseUrl: string, count: number) => {
  const started = performance.now()
  while (await hibernatedSessions(baseUrl) < count) {
    if (performance.now() - started > HIBERNATION_WAIT_MS) {
      throw new Error(`fewer than ${count} sessions hibernated after ${HIBERNATION_WAIT_MS / 1000} s`)
    }
    await sleep(1000)
  }
  return (performance.now() - started) / 1000
}

export const sessionMemory: Benchmark = {
  id: "session-memory",
  title: `Memory per idle 2025 session (${SESSIONS} sessions)`,
  run: async () => {
    const upstreams = await startGateway(benchEnv, { direct: true })
    try {
      const gateway = await startGateway({
        ...benchEnv,
        MANA_AUTH_URL: upstreams.authUrl,
        MANA_SYNC_URL: upstreams.syncUrl,
        MAX_SESSIONS_PER_USER: String(SESSIONS + 100)
      }, { direct: true })
      try {
        const user = await registerUser(upstreams.authUrl)
        const headers = headersFor({ token: user.accessToken, spaceId: user.personalSpaceId })
        // Warm every code path a session touches, so its one-time cost is not charged per session.
        for (let i = 0; i < 20; i++) await openLegacySession(gateway.mcpUrl, headers)
        const before = await settledRss(gateway.pid)
        let opened = 0
        const sample: Array<RawSession> = []
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (opened < SESSIONS) {
            opened += 1
            const session = await openLegacySession(gateway.mcpUrl, headers)
            if (sample.length < WAKE_SAMPLE) sample.push(session)
          }
        }))
        const live = await settledRss(gateway.pid)
        const waited = await awaitHibernation(gateway.baseUrl, opened)
        const after = await settledRss(gateway.pid, { decreasing: true })
        // The same call on the same sessions: first each one wakes, then each one is live.
        const callEach = async () => {
          const cpuBefore = processCpuSeconds(gateway.pid)
          const latencies: Array<number> = []
          for (const session of sample) latencies.push(await timeOnce(() => session.call("spaces.list")))
          return {
            summary: summarize(latencies),
            cpuMs: (processCpuSeconds(gateway.pid) - cpuBefore) * 1000 / sample.length
          }
        }
        const waking = await callEach()
        const awake = await callEach()
        const perSession = (after - before) / opened
        const perLiveSession = (live - before) / opened
        const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
        return {
          params: { sessions: opened, samples: SAMPLES },
          latencies: [
            {
              label: `spaces.list waking a hibernated session (${sample.length} sessions, one by one)`,
              summary: waking.summary
            },
            { label: "spaces.list on the same sessions, live", summary: awake.summary }
          ],
          throughputs: [],
          ratios: [
            {
              label: "KB of RSS per idle session (hibernated)",
              value: perSession / 1024,
              meaning: "target ≤ 16"
            },
            {
              label: "KB of RSS per session while live (before hibernating)",
              value: perLiveSession / 1024,
              meaning: "the SDK transport and Server it drops"
            },
            {
              label: "wake-up: median latency waking ÷ live",
              value: waking.summary.medianMs / awake.summary.medianMs,
              meaning: "the price of the first call after hibernation"
            }
          ],
          notes: [
            `gateway RSS ${mib(before)} MiB before, ${mib(live)} MiB right after opening ${opened} sessions, ${
              mib(after)
            } MiB once all were hibernated (${
              waited.toFixed(0)
            } s later; medians of ${SAMPLES} samples once RSS settled)`,
            "sessions hibernate after SESSION_HIBERNATE_AFTER (default 30 s) without a request, open stream or pending request; a client holding a GET stream keeps its session live",
            `gateway CPU per spaces.list: ${waking.cpuMs.toFixed(2)} ms waking, ${
              awake.cpuMs.toFixed(2)
            } ms live (wake-up ≈ ${(waking.cpuMs - awake.cpuMs).toFixed(2)} ms)`
          ]
        }
      } finally {
        await gateway.stop()
      }
    } finally {
      await upstreams.stop()
    }
  }
}
