/**
 * Destructive calls the user confirms, end to end through `npm start` in enforce mode, in both
 * protocol eras: a 2026-07-28 client answers the `input_required` elicitation and retries with the
 * signed state; a 2025 session gets `elicitation/create` from the SDK's shim. The elicitation
 * handler sees the record's title; Confirm deletes, Decline/Cancel leaves the record and says so,
 * a client without elicitation gets the PolicyDenied reminder, and the metrics count each case.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern, type Credentials, headersFor, structured } from "../support/mcpClients.ts"
import { messageOf, postModern } from "../support/modernPost.ts"

type Era = "legacy" | "modern"
type Answer = { action: "accept"; content: { confirm: boolean } } | { action: "decline" } | { action: "cancel" }

let gateway: Gateway
let user: DevUser
let credentials: Credentials

beforeAll(async () => {
  gateway = await startGateway({ POLICY_MODE: "enforce" })
  user = await registerUser(gateway.authUrl)
  credentials = { token: user.accessToken, spaceId: user.personalSpaceId }
})
afterAll(async () => {
  await gateway?.stop()
})

/** A client that declares elicitation and answers every prompt with `answer`, recording the messages. */
const connectAsking = async (era: Era, answer: Answer) => {
  const prompts: Array<string> = []
  const client = new Client(
    { name: `e2e-asking-${era}`, version: "1.0.0" },
    {
      capabilities: { elicitation: { form: {} } },
      ...(era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" as const } } } : {})
    }
  )
  client.setRequestHandler("elicitation/create", (request) => {
    prompts.push(request.params.message)
    return Promise.resolve(answer)
  })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: headersFor(credentials) } })
  )
  return { client, prompts }
}

const connectPlain = (era: Era) =>
  era === "modern" ? connectModern(gateway.mcpUrl, credentials) : connectLegacy(gateway.mcpUrl, credentials)

const decisions = async (decision: string, reason: string) => {
  const text = await (await fetch(`${gateway.baseUrl}/metrics`)).text()
  const line = text.split("\n").find((candidate) =>
    candidate.startsWith(
      `mana_mcp_policy_decisions_total{decision="${decision}",reason="${reason}",mode="enforce",service="mana-mcp"} `
    )
  )
  return line === undefined ? 0 : Number(line.split(" ").at(-1))
}

const openTaskIds = async (client: Client) =>
  (await structured(client, "todo.list")).tasks.map((task: { id: string }) => task.id)

describe.each(["modern", "legacy"] as const)("confirmation of destructive calls, %s era", (era) => {
  it("shows the title; Confirm deletes; the metrics count the ask and the confirmation", async () => {
    const { client, prompts } = await connectAsking(era, { action: "accept", content: { confirm: true } })
    const { task } = await structured(client, "todo.create", { title: `Dentist (${era})` })
    const [asked, confirmed] = [
      await decisions("asked", "destructive-not-allowed"),
      await decisions("confirmed", "user-confirmed")
    ]

    const result = await structured(client, "todo.delete", { id: task.id })
    expect(result).toMatchObject({
      outcome: "deleted",
      deleted: { table: "tasks", id: task.id, title: `Dentist (${era})` }
    })
    expect(prompts).toHaveLength(1)
    expect(prompts[0]).toContain(`"Dentist (${era})"`)
    expect(prompts[0]).toContain("trash")
    expect(await openTaskIds(client)).not.toContain(task.id)
    expect(await decisions("asked", "destructive-not-allowed")).toBe(asked + 1)
    expect(await decisions("confirmed", "user-confirmed")).toBe(confirmed + 1)
    await client.close()
  })

  it.each(
    [
      ["declined", { action: "decline" }],
      ["cancelled", { action: "cancel" }],
      ["declined", { action: "accept", content: { confirm: false } }]
    ] as const
  )("%s: the record stays and the result says nothing changed", async (outcome, answer) => {
    const { client, prompts } = await connectAsking(era, answer)
    const { task } = await structured(client, "todo.create", { title: `Keep me (${era})` })
    const before = await decisions("declined", `user-${outcome}`)
    const result = await client.callTool({ name: "todo.delete", arguments: { id: task.id } })
    expect(result.isError).not.toBe(true)
    expect(result.structuredContent).toMatchObject({ outcome })
    expect(JSON.stringify(result.content)).toContain("nothing was deleted")
    expect(prompts[0]).toContain(`"Keep me (${era})"`)
    expect(await openTaskIds(client)).toContain(task.id)
    expect(await decisions("declined", `user-${outcome}`)).toBe(before + 1)
    await client.close()
  })

  it("a client without elicitation is denied with the reminder", async () => {
    const { client } = await connectPlain(era)
    const { task } = await structured(client, "todo.create", { title: "Cannot ask" })
    const before = await decisions("deny", "destructive-not-allowed")
    const result = await client.callTool({ name: "todo.delete", arguments: { id: task.id } })
    expect(result.isError).toBe(true)
    expect(JSON.stringify(result.content)).toContain("destructive-not-allowed")
    expect(JSON.stringify(result.content)).toContain("Do not retry it")
    expect(await openTaskIds(client)).toContain(task.id)
    expect(await decisions("deny", "destructive-not-allowed")).toBe(before + 1)
    await client.close()
  })
})

describe("confirmation state", () => {
  it("a forged, replayed-for-another-call or already used requestState is refused and changes nothing", async () => {
    const { client } = await connectAsking("modern", { action: "accept", content: { confirm: true } })
    const { task } = await structured(client, "todo.create", { title: "Guarded" })
    const { task: other } = await structured(client, "todo.create", { title: "Other" })
    const raw = async (id: string, requestState?: string, capabilities: object = { elicitation: { form: {} } }) =>
      messageOf(
        await postModern(gateway.mcpUrl, headersFor(credentials), "tools/call", {
          name: "todo.delete",
          arguments: { id },
          ...(requestState === undefined ? {} : {
            requestState,
            inputResponses: { confirm: { action: "accept", content: { confirm: true } } }
          })
        }, { capabilities })
      )
    const asked = await raw(task.id)
    expect(asked.result?.["resultType"]).toBe("input_required")
    const state = String(asked.result?.["requestState"])
    // The state of a prompt about one task does not confirm deleting another.
    const replayed = await raw(other.id, state)
    expect(replayed.result?.["isError"]).toBe(true)
    expect(JSON.stringify(replayed.result)).toContain("nothing was changed")
    const forged = await raw(task.id, `${state.slice(0, -4)}AAAA`)
    expect(forged.result?.["isError"]).toBe(true)
    expect(await openTaskIds(client)).toEqual(expect.arrayContaining([task.id, other.id]))
    const confirmed = await raw(task.id, state)
    expect(confirmed.result?.["structuredContent"]).toMatchObject({ outcome: "deleted" })
    // Used once: after a restore, the same answer deletes nothing, even from a client that cannot be asked.
    await structured(client, "trash.restore", { table: "tasks", id: task.id })
    for (const capabilities of [{ elicitation: { form: {} } }, {}]) {
      const replayed = await raw(task.id, state, capabilities)
      expect(replayed.result?.["isError"]).toBe(true)
      expect(JSON.stringify(replayed.result)).toContain("it was already used")
    }
    expect(await openTaskIds(client)).toContain(task.id)
    await client.close()
  })
})
