/**
 * Benchmark 1, tool call overhead: `habits.list` (50 habits) through the gateway in both eras vs.
 * the ceiling, the raw pull of the same table straight from the dev mana-sync. A warm list sends
 * exactly one delta pull upstream, so "raw delta pull" is the floor the gateway cannot beat;
 * the full pull from the epoch is what a cache-less client would pay.
 */
import { registerUser } from "../test/support/devUsers.ts"
import { connectLegacy, connectModern, headersFor } from "../test/support/mcpClients.ts"
import { type Benchmark, callExpecting, ratio, rawModern, waitPastOverlap, withGateway } from "./harness.ts"
import { measureInterleaved } from "./stats.ts"
import { EPOCH, habitInserts, pullAll, pullPage, pushAll } from "./upstream.ts"

const HABITS = 50
const rounds = { warmup: 40, reps: 300 }

export const toolCall: Benchmark = {
  id: "tool-call",
  title: "Tool call overhead: habits.list vs. the raw upstream pull",
  run: () =>
    withGateway(async (gateway) => {
      const user = await registerUser(gateway.authUrl)
      const credentials = { token: user.accessToken, spaceId: user.personalSpaceId }
      await pushAll(
        gateway.syncUrl,
        user.accessToken,
        "habits",
        habitInserts({ userId: user.userId, spaceId: user.personalSpaceId }, HABITS)
      )
      const seededAt = performance.now()
      const legacy = (await connectLegacy(gateway.mcpUrl, credentials)).client
      const modern = (await connectModern(gateway.mcpUrl, credentials)).client
      try {
        await waitPastOverlap(seededAt)
        if ((await pullAll(gateway.syncUrl, user.accessToken, "habits", "habits")) !== HABITS) {
          throw new Error("seeding failed")
        }
        const args = { name: "habits.list", arguments: {} }
        const r = await measureInterleaved({
          delta: () =>
            pullPage(gateway.syncUrl, user.accessToken, "habits", "habits", new Date(Date.now() - 5000).toISOString()),
          full: () => pullPage(gateway.syncUrl, user.accessToken, "habits", "habits", EPOCH),
          legacy: () => callExpecting(legacy, "habits.list", {}, "habits", HABITS),
          modern: () => callExpecting(modern, "habits.list", {}, "habits", HABITS),
          raw: () => rawModern(gateway.mcpUrl, headersFor(credentials), "tools/call", args)
        }, rounds)
        return {
          params: { habits: HABITS, warmup: rounds.warmup, reps: rounds.reps },
          latencies: [
            { label: "ceiling: raw delta pull (0 rows, the gateway's upstream request)", summary: r.delta },
            { label: `ceiling: raw pull from epoch (${HABITS} rows)`, summary: r.full },
            { label: "habits.list, 2025 session (SDK client)", summary: r.legacy },
            { label: "habits.list, 2026-07-28 (SDK client)", summary: r.modern },
            { label: "habits.list, 2026-07-28 (raw HTTP, no SDK client)", summary: r.raw }
          ],
          throughputs: [],
          ratios: [
            {
              label: "2025 session ÷ raw delta pull",
              value: ratio(r.legacy, r.delta),
              meaning: "cost of one call in upstream round trips"
            },
            {
              label: "2026-07-28 SDK ÷ raw delta pull",
              value: ratio(r.modern, r.delta),
              meaning: "cost of one call in upstream round trips"
            },
            {
              label: "2026-07-28 raw HTTP ÷ raw delta pull",
              value: ratio(r.raw, r.delta),
              meaning: "gateway alone, without SDK client work"
            },
            {
              label: "2026-07-28 SDK ÷ raw pull from epoch",
              value: ratio(r.modern, r.full),
              meaning: "vs. a client that re-reads the table"
            }
          ],
          notes: [
            `absolute overhead per call (median − raw delta pull median): 2025 session ${
              (r.legacy.medianMs - r.delta.medianMs).toFixed(2)
            } ms, 2026-07-28 SDK ${(r.modern.medianMs - r.delta.medianMs).toFixed(2)} ms, 2026-07-28 raw HTTP ${
              (r.raw.medianMs - r.delta.medianMs).toFixed(2)
            } ms`
          ]
        }
      } finally {
        await legacy.close()
        await modern.close()
      }
    })
}
