/**
 * The abusing user of the fairness benchmark, in its own process so its client-side work (10 SDK
 * clients parsing answers) does not queue the measured user's calls in the bench's event loop:
 * `bun bench/abuser.ts <mcpUrl> <token> <spaceId> <searches> <parallel>`. Each line on stdin starts
 * one round of `searches` calls, `parallel` at a time; each round ends with `ABUSE_DONE <ms>`.
 */
import { createInterface } from "node:readline"
import { connectModern } from "../test/support/mcpClients.ts"
import { callTool } from "./harness.ts"

const [mcpUrl = "", token = "", spaceId = "", searches = "100", parallel = "10"] = process.argv.slice(2)
const clients = await Promise.all(
  Array.from({ length: Number(parallel) }, () => connectModern(mcpUrl, { token, spaceId }).then((c) => c.client))
)
console.log("ABUSE_READY")
let query = 0
// A round starts when the bench says so, so its quiet phases are measured without this process.
for await (const _line of createInterface({ input: process.stdin })) {
  let next = 0
  const started = performance.now()
  await Promise.all(clients.map(async (client) => {
    while (next++ < Number(searches)) await callTool(client, "notes.search", { query: `note ${query++ % 300}` })
  }))
  console.log(`ABUSE_DONE ${(performance.now() - started).toFixed(0)}`)
}
await Promise.all(clients.map((client) => client.close()))
process.exit(0)
