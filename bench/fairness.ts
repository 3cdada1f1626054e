/**
 * Fairness (issue #28, finding 3): another user's latency under one user's abuse, as a ratio to
 * quiet, in one run. The abuser runs 100 `notes.search` over 300 large (20 KB) encrypted notes, 10
 * at a time, each with its own query; the other user lists 10 habits in a loop. Measured on a
 * gateway with the default per-user admission, and on one where the bound is lifted
 * (USER_CALLS_IN_FLIGHT=1000: everything runs at once, as before the bound) for comparison. The
 * gateway's RSS at the end of the abuse is reported too. The abuser runs in its own process
 * (`abuser.ts`), so only the gateway is shared between the two users.
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
const QUIET_CALLS = 40

/** The abuser in its own process (`abuser.ts`): ready once connected, then runs on `go`. */
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
  const waitFor = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const scan = () => {
        const line = output.split("\n").find((candidate) => candidate.startsWith(prefix))
        if (line !== undefined) resolve(line.slice(prefix.length).trim())
      }
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString()
        scan()
      })
      child.once("exit", (code) => reject(new Error(`abuser exited (${String(code)}): ${output}`)))
    })
  const ready = waitFor("ABUSE_READY")
  const finished = waitFor("ABUSE_DONE")
  return {
    ready,
    go: () => {
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
    for (let i = 0; i < QUIET_CALLS; i++) quiet.push(await timeOnce(victimCall))
    let abusing = true
    const done = abuse.go().finally(() => {
      abusing = false
    })
    const loaded: Array<number> = []
    while (abusing) loaded.push(await timeOnce(victimCall))
    const abuseSeconds = (await done) / 1000
    return { quiet: summarize(quiet), loaded: summarize(loaded), abuseSeconds, rssMiB: await residentMiB(gateway) }
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
    const admitted = await withGateway(measure)
    const unbounded = await withGateway(measure, { USER_CALLS_IN_FLIGHT: "1000" })
    const ratioOf = (phase: Phase) => phase.loaded.medianMs / phase.quiet.medianMs
    const ratios: Array<Ratio> = [
      {
        label: "loaded ÷ quiet, default admission",
        value: ratioOf(admitted),
        meaning: "target ≤ 3: one user's load leaves another's median within 3× of quiet"
      },
      {
        label: "loaded ÷ quiet, admission lifted (USER_CALLS_IN_FLIGHT=1000)",
        value: ratioOf(unbounded),
        meaning: "the same load with every call admitted at once"
      }
    ]
    return {
      params: { notes: NOTES, noteKB: 20, searches: SEARCHES, parallel: PARALLEL, quietCalls: QUIET_CALLS },
      latencies: [...rows("default admission", admitted), ...rows("admission lifted", unbounded)],
      throughputs: [],
      ratios,
      notes: [
        `the abuse took ${admitted.abuseSeconds.toFixed(1)} s with default admission, ${
          unbounded.abuseSeconds.toFixed(1)
        } s lifted; gateway RSS after it: ${admitted.rssMiB.toFixed(0)} MiB and ${unbounded.rssMiB.toFixed(0)} MiB`
      ]
    }
  }
}
