/**
 * Prompts and completions end to end through `npm start`, with the SDK v2 client in both protocol
 * eras: `prompts/list` shows the four prompts with optional arguments; each prompt reads the
 * user's data through the tool path (decrypted, in the active or a named space) and returns one
 * message; bad arguments and a zero-knowledge user get clear errors; `completion/complete` offers
 * the user's habit titles, moods, journal tags and space names, ranked, at most 100.
 */
import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createSpace, type DevUser, registerUser } from "../support/devUsers.ts"
import { type Gateway, startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern, structured } from "../support/mcpClients.ts"

let gateway: Gateway

beforeAll(async () => {
  gateway = await startGateway()
})
afterAll(async () => {
  await gateway?.stop()
})

const today = () => new Date().toISOString().slice(0, 10)
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)

const connect = (era: "modern" | "legacy", user: DevUser, spaceId = user.personalSpaceId) =>
  (era === "modern" ? connectModern : connectLegacy)(gateway.mcpUrl, { token: user.accessToken, spaceId })
    .then(({ client }) => client)

const promptText = async (client: Client, name: string, args: Record<string, string> = {}) => {
  const result = await client.getPrompt({ name, arguments: args })
  expect(result.messages).toHaveLength(1)
  const content = result.messages[0]?.content
  expect(content?.type).toBe("text")
  return content?.type === "text" ? content.text : ""
}

const completeArg = async (client: Client, prompt: string, name: string, value: string) =>
  (await client.complete({ ref: { type: "ref/prompt", name: prompt }, argument: { name, value } })).completion

describe.each(["modern", "legacy"] as const)("prompts and completions, %s era", (era) => {
  let user: DevUser
  let client: Client
  let teamSpace: string

  beforeAll(async () => {
    user = await registerUser(gateway.authUrl)
    teamSpace = await createSpace(gateway.authUrl, user, `Team ${era}`)
    client = await connect(era, user)
    const walk = (await structured(client, "habits.create", { title: "Walk", targetPerDay: 1 })).habit
    await structured(client, "habits.create", { title: "Meditate" })
    await structured(client, "habits.create", { title: "Read a chapter" })
    await structured(client, "habits.log", { habitId: walk.id, count: 1 })
    await structured(client, "todo.create", { title: "Pay rent", dueDate: `${daysAgo(2)}T09:00:00Z`, priority: "high" })
    await structured(client, "todo.create", { title: "Call the dentist", dueDate: `${today()}T15:00:00Z` })
    await structured(client, "todo.create", { title: "Someday: learn Go" })
    const done = (await structured(client, "todo.create", { title: "File the taxes" })).task
    await structured(client, "todo.complete", { id: done.id })
    await structured(client, "journal.add", {
      content: "A calm walk by the river",
      mood: "zufrieden",
      tags: ["outdoors"],
      entryDate: today()
    })
    await structured(client, "journal.add", { content: "Too many meetings", mood: "gestresst", entryDate: daysAgo(1) })
    const team = await connect(era, user, teamSpace)
    await structured(team, "habits.create", { title: "Team retro" })
    await team.close()
  })
  afterAll(async () => {
    await client?.close()
  })

  it("lists the four prompts with optional, described arguments", async () => {
    const { prompts } = await client.listPrompts()
    expect(prompts.map((prompt) => prompt.name)).toEqual([
      "plan-my-day",
      "weekly-review",
      "journal-reflection",
      "habit-check-in"
    ])
    for (const prompt of prompts) {
      expect(prompt.description).toBeTruthy()
      for (const argument of prompt.arguments ?? []) expect(argument.required).toBe(false)
      expect(prompt.arguments?.map((argument) => argument.name)).toContain("space")
    }
    expect(prompts.find((prompt) => prompt.name === "habit-check-in")?.arguments?.map((a) => a.name)).toEqual([
      "habit",
      "space"
    ])
  })

  it("plan-my-day: open tasks due today or overdue, overdue first, and today's habits", async () => {
    const text = await promptText(client, "plan-my-day")
    expect(text).toContain(today())
    expect(text.indexOf("Pay rent")).toBeGreaterThan(0)
    expect(text.indexOf("Pay rent")).toBeLessThan(text.indexOf("Call the dentist"))
    expect(text).not.toContain("learn Go")
    expect(text).not.toContain("File the taxes")
    expect(text).toMatch(/"title": "Walk",\s*"done": 1,\s*"target": 1/)
    expect(text).toContain("Meditate")
    expect(text).not.toContain("Team retro")
  })

  it("weekly-review: completed tasks, habit check-ins, moods and entries of the week", async () => {
    const text = await promptText(client, "weekly-review", { weekEnding: today() })
    expect(text).toContain("File the taxes")
    expect(text).not.toContain("Pay rent")
    expect(text).toMatch(/"zufrieden": 1/)
    expect(text).toMatch(/"gestresst": 1/)
    expect(text).toContain("A calm walk by the river")
  })

  it("journal-reflection: recent entries, optionally of one mood", async () => {
    const all = await promptText(client, "journal-reflection", { days: "7" })
    expect(all).toContain("Too many meetings")
    expect(all).toContain("A calm walk")
    const calm = await promptText(client, "journal-reflection", { mood: "zufrieden" })
    expect(calm).toContain("A calm walk")
    expect(calm).not.toContain("Too many meetings")
  })

  it("habit-check-in: the habits still open today, or one by title", async () => {
    const open = await promptText(client, "habit-check-in")
    expect(open).toContain("Meditate")
    expect(open).toContain("Read a chapter")
    expect(open).not.toContain("\"Walk\"")
    const one = await promptText(client, "habit-check-in", { habit: "walk" })
    expect(one).toContain("\"Walk\"")
    await expect(client.getPrompt({ name: "habit-check-in", arguments: { habit: "Juggling" } })).rejects.toThrow(
      /No habit titled "Juggling".*Walk/
    )
  })

  it("reads a space named by its argument, and refuses spaces the user is not in", async () => {
    const text = await promptText(client, "habit-check-in", { space: `team ${era}` })
    expect(text).toContain("Team retro")
    expect(text).not.toContain("Meditate")
    await expect(client.getPrompt({ name: "plan-my-day", arguments: { space: "Nowhere" } })).rejects.toThrow(
      /space "Nowhere" is not one of your spaces/
    )
  })

  it("names every bad argument with what is accepted", async () => {
    await expect(client.getPrompt({ name: "plan-my-day", arguments: { date: "tomorrow" } })).rejects.toThrow(
      /date.*YYYY-MM-DD/
    )
    await expect(client.getPrompt({ name: "journal-reflection", arguments: { days: "400", mood: "happy" } })).rejects
      .toThrow(/days[\s\S]*1 to 90[\s\S]*mood[\s\S]*zufrieden/)
    await expect(client.getPrompt({ name: "plan-my-day", arguments: { colour: "red" } })).rejects.toThrow(
      /colour[\s\S]*Accepted arguments/
    )
    await expect(client.getPrompt({ name: "no-such-prompt" })).rejects.toThrow(/Unknown prompt/)
  })

  it("completes habit titles, moods, journal tags and space names from the user's own data", async () => {
    expect((await completeArg(client, "habit-check-in", "habit", "me")).values).toEqual(["Meditate"])
    expect((await completeArg(client, "habit-check-in", "habit", "")).values).toEqual([
      "Meditate",
      "Read a chapter",
      "Walk"
    ])
    // A word inside a title matches after titles that start with it.
    expect((await completeArg(client, "habit-check-in", "habit", "chap")).values).toEqual(["Read a chapter"])
    expect((await completeArg(client, "journal-reflection", "mood", "ge")).values).toEqual(["gestresst"])
    const spaces = await completeArg(client, "plan-my-day", "space", "team")
    expect(spaces.values).toEqual([`Team ${era}`])
    expect((await completeArg(client, "plan-my-day", "date", "2")).values).toEqual([])
  })
})

describe("resource template completions", () => {
  it("the {id} of mana://notes/{id} and mana://tasks/{id} completes to the caller's own record ids, in both eras", async () => {
    const [owner, other] = await Promise.all([registerUser(gateway.authUrl), registerUser(gateway.authUrl)])
    const ownerClient = await connect("modern", owner)
    const note = (await structured(ownerClient, "notes.create", { title: "Plans", content: "x" })).note
    const task = (await structured(ownerClient, "todo.create", { title: "Ship it" })).task
    for (const era of ["modern", "legacy"] as const) {
      const client = await connect(era, owner)
      const complete = async (uri: string, value: string) =>
        (await client.complete({ ref: { type: "ref/resource", uri }, argument: { name: "id", value } })).completion
      expect((await complete("mana://notes/{id}", note.id.slice(0, 6))).values).toEqual([note.id])
      expect((await complete("mana://tasks/{id}", "")).values).toEqual([task.id])
      expect((await complete("mana://journal/{id}", "")).values).toEqual([])
      await client.close()
    }
    // Another user's completions never offer the owner's ids.
    const otherClient = await connect("modern", other)
    const theirs = await otherClient.complete({
      ref: { type: "ref/resource", uri: "mana://notes/{id}" },
      argument: { name: "id", value: note.id.slice(0, 6) }
    })
    expect(theirs.completion.values).toEqual([])
    await Promise.all([ownerClient.close(), otherClient.close()])
  })
})

describe("a zero-knowledge user", () => {
  it("is told a prompt cannot read end-to-end encrypted data, in both eras", async () => {
    const user = await registerUser(gateway.authUrl, { zeroKnowledge: true })
    for (const era of ["modern", "legacy"] as const) {
      const client = await connect(era, user)
      await expect(client.getPrompt({ name: "plan-my-day" })).rejects.toThrow(/zero-knowledge|end-to-end/i)
      await client.close()
    }
  })
})

describe("completion bounds", () => {
  it("answers at most 100 values with the total and hasMore", async () => {
    const user = await registerUser(gateway.authUrl)
    const client = await connect("modern", user)
    for (let batch = 0; batch < 11; batch++) {
      await Promise.all(
        Array.from(
          { length: 10 },
          (_, index) =>
            structured(client, "habits.create", { title: `Habit ${String(batch * 10 + index).padStart(3, "0")}` })
        )
      )
    }
    const answer = await completeArg(client, "habit-check-in", "habit", "habit")
    expect(answer.values).toHaveLength(100)
    expect(answer.total).toBe(110)
    expect(answer.hasMore).toBe(true)
    expect(answer.values[0]).toBe("Habit 000")
    await client.close()
  })
})
