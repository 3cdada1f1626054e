/**
 * Fairness (issue #28, finding 3): another user's latency under one user's abuse, as a ratio to
 * quiet, in one run. The abuser runs rounds of 100 `notes.search` over 300 large (20 KB) encrypted
 * notes, 10 at a time, each with its own query; the other user lists 10 habits in a loop, a quiet
 * phase before each round and throughout the round, so quiet and loaded samples interleave (drift
 * and neighbours hit both) and a short round still yields enough loaded samples. Measured on a
 * gateway with the defaults (per-user admission and per-user turns of the event loop), with the
 * turns off (USER_TURN_SLICE=off: admission alone), and with both off (USER_CALLS_IN_FLIGHT=1000:
 * everything at once, as before the bounds). The gateway's RSS after the rounds is reported too.
 * The abuser runs in its own process (`abuser.ts`), so only the gateway is shared by the users.
 */
import type { Client } from "@modelcontextprotocol/client"
import { spawn } from "node:child_process"
import { join } from "node:path"
import { bunBin } from "../test/harness/gatewayProcess.ts"
import type { Gateway } from "../test/harness/gatewayProcess.ts"
import { registerUser } from "../test/support/devUsers.ts"
import { connectModern } from "../test/support/mcpClients.ts"
import { encryptValue, importRawKey, vaultKeyOf } from "../test/support/webCrypto.ts"
import { type Benchmark, callExpecting, callTool, type LatencyRow, type Ratio, withGateway } from "./harness.ts"
import { summarize, type Summary, timeOnce } from "./stats.ts"
import { habitInserts, noteInserts, pushAll } from "./upstream.ts"

const NOTES = 300
const NOTE_REPEAT = 250
const SEARCHES = 100
const PARALLEL = 10
const HABITS = 10
const ROUNDS = 5
const QUIET_PER_ROUND = 10

/** The abuser in its own process (`abuser.ts`): ready once connected, then one round per `round()`. */
const startAbuser = (mcpUrl: string, token: string, spaceId: string) => {
  const child = spawn(bunBin, [
    join(import.meta.dirname, "abuser.ts"),
    mcpUrl,
    token,
    spaceId,
    String(SEARCHES),
    String(PARALLEL)
  ], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  let output = ""
  let seen = 0
  const waiting: Array<{ readonly prefix: string; readonly resolve: (rest: string) => void }> = []
  const scan = () => {
    const lines = output.split("\n").slice(0, -1)
    for (; seen < lines.length; seen++) {
      const line = lines[seen] ?? ""
      const waiter = waiting.find((candidate) => line.startsWith(candidate.prefix))
      if (waiter === undefined) continue
      waiting.splice(waiting.indexOf(waiter), 1)
      waiter.resolve(line.slice(waiter.prefix.length).trim())
    }
  }
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString()
    scan()
  })
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`abuser exited (${String(code)}): ${output}`)))
  )
  exited.catch(() => undefined)
  const waitFor = (prefix: string) =>
    Promise.race([new Promise<string>((resolve) => waiting.push({ prefix, resolve })), exited])
  const ready = waitFor("ABUSE_READY")
  return {
    ready,
    round: () => {
      const finished = waitFor("ABUSE_DONE")
      child.stdin.write("go\n")
      return finished.then(Number)
    },
    stop: () => void child.kill()
  }
}

const residentMiB = async (gateway: Gateway) => {
  const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
  return Number(/^mana_mcp_process_resident_memory_bytes\{[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? 0) / 2 ** 20
}

interface Phase {
  readonly quiet: Summary
  readonly loaded: Summary
  readonly abuseSeconds: number
  readonly rssMiB: number
}

const measure = async (gateway: Gateway): Promise<Phase> => {
  const abuser = await registerUser(gateway.authUrl)
  const key = await importRawKey(await vaultKeyOf(gateway.authUrl, abuser.accessToken))
  const owner = { userId: abuser.userId, spaceId: abuser.personalSpaceId }
  const notes = await noteInserts(owner, NOTES, (value) => encryptValue(key, value), NOTE_REPEAT)
  await pushAll(gateway.syncUrl, abuser.accessToken, "notes", notes)
  const victim = await registerUser(gateway.authUrl)
  await pushAll(
    gateway.syncUrl,
    victim.accessToken,
    "habits",
    habitInserts({ userId: victim.userId, spaceId: victim.personalSpaceId }, HABITS)
  )
  const connect = (user: typeof abuser): Promise<Client> =>
    connectModern(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId }).then((c) => c.client)
  const abuserClient = await connect(abuser)
  const victimClient = await connect(victim)
  const victimCall = () => callExpecting(victimClient, "habits.list", {}, "habits", HABITS)
  const abuse = startAbuser(gateway.mcpUrl, abuser.accessToken, abuser.personalSpaceId)
  try {
    for (let i = 0; i < 10; i++) await victimCall()
    await callTool(abuserClient, "notes.search", { query: "warm-up" })
    await abuse.ready
    const quiet: Array<number> = []
    const loaded: Array<number> = []
    let abuseMs = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < QUIET_PER_ROUND; i++) quiet.push(await timeOnce(victimCall))
      let abusing = true
      const done = abuse.round().finally(() => {
        abusing = false
      })
      while (abusing) loaded.push(await timeOnce(victimCall))
      abuseMs += await done
    }
    return {
      quiet: summarize(quiet),
      loaded: summarize(loaded),
      abuseSeconds: abuseMs / ROUNDS / 1000,
      rssMiB: await residentMiB(gateway)
    }
  } finally {
    abuse.stop()
    await Promise.all([abuserClient, victimClient].map((client) => client.close()))
  }
}

const rows = (label: string, phase: Phase): Array<LatencyRow> => [
  { label: `${label}: other user's habits.list, quiet`, summary: phase.quiet },
  { label: `${label}: other user's habits.list, under the abuse`, summary: phase.loaded }
]

export const fairness: Benchmark = {
  id: "fairness",
  title:
    `Fairness: another user's habits.list while one user runs ${SEARCHES} notes.search over ${NOTES} 20 KB notes, ${PARALLEL} at a time`,
  run: async () => {
    const cases = [
      { label: "defaults (admission and turns)", phase: await withGateway(measure) },
      { label: "turns off (USER_TURN_SLICE=off)", phase: await withGateway(measure, { USER_TURN_SLICE: "off" }) },
      {
        label: "both off (USER_CALLS_IN_FLIGHT=1000, USER_TURN_SLICE=off)",
        phase: await withGateway(measure, { USER_CALLS_IN_FLIGHT: "1000", USER_TURN_SLICE: "off" })
      }
    ]
    const ratios: Array<Ratio> = cases.map(({ label, phase }, index) => ({
      label: `loaded ÷ quiet, ${label}`,
      value: phase.loaded.medianMs / phase.quiet.medianMs,
      meaning: index === 0
        ? "target ≤ 3: one user's load leaves another's median within 3× of quiet"
        : "the same load without the defaults' protection, for comparison"
    }))
    return {
      params: {
        notes: NOTES,
        noteKB: 20,
        searches: SEARCHES,
        parallel: PARALLEL,
        rounds: ROUNDS,
        quietCallsPerRound: QUIET_PER_ROUND
      },
      latencies: cases.flatMap(({ label, phase }) => rows(label, phase)),
      throughputs: [],
      ratios,
      notes: cases.map(({ label, phase }) =>
        `${label}: a round of the abuse took ${
          phase.abuseSeconds.toFixed(2)
        } s on average; gateway RSS after the rounds ${phase.rssMiB.toFixed(0)} MiB`
      )
    }
  }
}
