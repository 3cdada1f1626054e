/**
 * Benchmark 6, the encrypted path: `notes.search` over 500 notes (title and content `enc:1:`,
 * sealed with the user's vault key) vs. `habits.list` over 500 habits. Both queries match
 * nothing (an unknown word; all habits archived), so both read and fold 500 records and return
 * none: the difference is the decryption of 1,000 fields. Ceiling: the raw pull of the notes.
 */
import { registerUser } from "../test/support/devUsers.ts"
import { connectModern } from "../test/support/mcpClients.ts"
import { encryptValue, importRawKey, vaultKeyOf } from "../test/support/webCrypto.ts"
import { type Benchmark, callExpecting, ratio, waitPastOverlap, withGateway } from "./harness.ts"
import { measureInterleaved, summarize, timeOnce } from "./stats.ts"
import { EPOCH, habitInserts, noteInserts, pullPage, pushAll, taskInserts } from "./upstream.ts"

const RECORDS = 500
const TASKS = 100
const rounds = { warmup: 10, reps: 100 }

export const encrypted: Benchmark = {
  id: "encrypted",
  title: `Encrypted path: notes.search vs. habits.list over ${RECORDS} records`,
  run: () =>
    withGateway(async (gateway) => {
      const user = await registerUser(gateway.authUrl)
      const owner = { userId: user.userId, spaceId: user.personalSpaceId }
      const key = await importRawKey(await vaultKeyOf(gateway.authUrl, user.accessToken))
      const notes = await noteInserts(owner, RECORDS, (value) => encryptValue(key, value))
      await pushAll(gateway.syncUrl, user.accessToken, "notes", notes)
      await pushAll(gateway.syncUrl, user.accessToken, "habits", habitInserts(owner, RECORDS, { archived: true }))
      // A second user: 100 encrypted tasks and 100 habits, both listed whole (the #18 ratio).
      const lister = await registerUser(gateway.authUrl)
      const listerOwner = { userId: lister.userId, spaceId: lister.personalSpaceId }
      const listerKey = await importRawKey(await vaultKeyOf(gateway.authUrl, lister.accessToken))
      await pushAll(
        gateway.syncUrl,
        lister.accessToken,
        "todo",
        await taskInserts(listerOwner, TASKS, (value) => encryptValue(listerKey, value))
      )
      await pushAll(gateway.syncUrl, lister.accessToken, "habits", habitInserts(listerOwner, TASKS))
      const seededAt = performance.now()
      const client =
        (await connectModern(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
      const listerClient =
        (await connectModern(gateway.mcpUrl, { token: lister.accessToken, spaceId: lister.personalSpaceId })).client
      try {
        await waitPastOverlap(seededAt)
        // Sanity: every note decrypts and is found by an empty query (limit 100).
        await callExpecting(client, "notes.search", { limit: 100 }, "notes", 100)
        await callExpecting(client, "habits.list", { includeArchived: true }, "habits", RECORDS)
        const r = await measureInterleaved({
          pull: () => pullPage(gateway.syncUrl, user.accessToken, "notes", "notes", EPOCH),
          notes: () => callExpecting(client, "notes.search", { query: "no-such-word-anywhere" }, "notes", 0),
          habits: () => callExpecting(client, "habits.list", {}, "habits", 0),
          todo100: () => callExpecting(listerClient, "todo.list", { limit: TASKS }, "tasks", TASKS),
          habits100: () => callExpecting(listerClient, "habits.list", {}, "habits", TASKS)
        }, rounds)

        // AES-GCM decryption alone, in this process: the 1,000 fields, 8 at a time like the gateway.
        const fields = notes.flatMap((note) => [note.data.title, note.data.content])
        const decryptAll = async () => {
          for (let i = 0; i < fields.length; i += 8) {
            await Promise.all(
              fields.slice(i, i + 8).map(async (wire) => {
                const [iv, body] = wire.slice("enc:1:".length).split(".")
                await crypto.subtle.decrypt(
                  { name: "AES-GCM", iv: Buffer.from(iv ?? "", "base64") },
                  key,
                  Buffer.from(body ?? "", "base64")
                )
              })
            )
          }
        }
        const samples: Array<number> = []
        for (let i = 0; i < 5 + 30; i++) samples.push(await timeOnce(decryptAll))
        const local = summarize(samples.slice(5))
        const perRecordUs = ((r.notes.medianMs - r.habits.medianMs) / RECORDS) * 1000
        return {
          params: { records: RECORDS, encryptedFieldsPerRecord: 2, ...rounds },
          latencies: [
            { label: `ceiling: raw pull of ${RECORDS} notes from epoch`, summary: r.pull },
            { label: `habits.list, ${RECORDS} habits (all archived, returns 0)`, summary: r.habits },
            { label: `notes.search, ${RECORDS} notes (no match, returns 0)`, summary: r.notes },
            { label: `in-process: AES-GCM decrypt of ${fields.length} fields`, summary: local },
            { label: `habits.list, ${TASKS} habits (returns ${TASKS})`, summary: r.habits100 },
            { label: `todo.list, ${TASKS} encrypted tasks (returns ${TASKS})`, summary: r.todo100 }
          ],
          throughputs: [],
          ratios: [
            {
              label: `todo.list ÷ habits.list, ${TASKS} records each`,
              value: ratio(r.todo100, r.habits100),
              meaning: "target ≤ 1.4: unchanged tasks are not decrypted again"
            },
            {
              label: "notes.search ÷ habits.list",
              value: ratio(r.notes, r.habits),
              meaning: "cost of decrypting every record"
            },
            {
              label: "notes.search ÷ raw pull",
              value: ratio(r.notes, r.pull),
              meaning: "encrypted read vs. its upstream"
            }
          ],
          notes: [
            `decryption cost per record (2 fields) through the gateway: ${
              perRecordUs.toFixed(1)
            } µs; Web Crypto alone in-process: ${((local.medianMs / RECORDS) * 1000).toFixed(1)} µs`
          ]
        }
      } finally {
        await client.close()
        await listerClient.close()
      }
    })
}
