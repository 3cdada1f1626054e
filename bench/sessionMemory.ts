/**
 * Benchmark `session-memory`: resident memory per idle 2025-era session. The gateway runs in
 * remote mode in its own process (so the dev upstreams' memory is not counted), one user may open
 * them all (`MAX_SESSIONS_PER_USER` raised), and each session is opened like a client does
 * (initialize, then `notifications/initialized`) and then left idle. RSS is read from
 * `/proc/<pid>/status` after it settles, as the median of several samples, before and after.
 */
import { readFileSync } from "node:fs"
import { startGateway } from "../scripts/gatewayProcess.ts"
import { registerUser } from "../test/support/devUsers.ts"
import { headersFor } from "../test/support/mcpClients.ts"
import { benchEnv, type Benchmark } from "./harness.ts"
import { openLegacySession } from "./rawMcp.ts"
import { sleep } from "./stats.ts"

const SESSIONS = 3000
const CONCURRENCY = 16
const SAMPLES = 7

const rssBytes = (pid: number | undefined): number => {
  if (pid === undefined) return Number.NaN
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))
  return Number(line?.replace(/\D+/g, "") ?? Number.NaN) * 1024
}

/** Waits for RSS to settle, then the median of `SAMPLES` readings 300 ms apart. */
const settledRss = async (pid: number | undefined) => {
  await sleep(2000)
  const samples: Array<number> = []
  for (let i = 0; i < SAMPLES; i++) {
    samples.push(rssBytes(pid))
    await sleep(300)
  }
  return samples.sort((a, b) => a - b)[Math.floor(SAMPLES / 2)] ?? Number.NaN
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
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (opened < SESSIONS) {
            opened += 1
            await openLegacySession(gateway.mcpUrl, headers)
          }
        }))
        const after = await settledRss(gateway.pid)
        const perSession = (after - before) / opened
        return {
          params: { sessions: opened, samples: SAMPLES },
          latencies: [],
          throughputs: [],
          ratios: [{
            label: "KB of RSS per idle session",
            value: perSession / 1024,
            meaning: "target ≤ 16"
          }],
          notes: [
            `gateway RSS ${(before / 2 ** 20).toFixed(1)} MiB before, ${
              (after / 2 ** 20).toFixed(1)
            } MiB after ${opened} sessions (medians of ${SAMPLES} samples after 2 s settling)`
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
