/**
 * resources/list and resources/read over the real invoke pipeline: decrypted JSON like the read
 * tools, paging across kinds with an opaque cursor, the active space's records only (another
 * space's or user's record is "not found", exactly like an unknown id), the zero-knowledge error
 * of the tools, the policy gate (rate limit in enforce mode) and the read scope for delegated tokens.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { listResources } from "../../src/resources/listResources.ts"
import { readResource } from "../../src/resources/readResource.ts"
import type { ResourceFailure } from "../../src/resources/ResourceErrors.ts"
import { missingScope } from "../../src/transport/http/scopeCheck.ts"
import { zeroKnowledgeMasterKeys } from "../support/cryptoVault.ts"
import { alice, aliceCaller, bob, callerFor, spaceShared } from "../support/users.ts"
import { callTool, idOf, resourceLayer, runner } from "./resourceHarness.ts"

const failureOf = <A>(effect: Effect.Effect<A, ResourceFailure>) =>
  Effect.flatMap(Effect.flip(effect), (failure) => Effect.succeed({ reason: failure.reason, message: failure.message }))

const textOf = (result: { readonly contents: ReadonlyArray<unknown> }) => {
  const first = result.contents[0]
  return typeof first === "object" && first !== null && "text" in first && typeof first.text === "string"
    ? JSON.parse(first.text)
    : undefined
}

describe("resources/read", () => {
  it.effect("reads a note, a task, a journal entry and today's habits, decrypted, as JSON", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const note = idOf(yield* callTool(run, "notes.create", { title: "Plan", content: "Geheim" }, aliceCaller), "note")
      const task = idOf(yield* callTool(run, "todo.create", { title: "Call mum" }, aliceCaller), "task")
      const entry = idOf(
        yield* callTool(run, "journal.add", { content: "Ein guter Tag", entryDate: "2026-05-01" }, aliceCaller),
        "entry"
      )
      yield* callTool(run, "habits.create", { title: "Walk" }, aliceCaller)

      const read = (uri: string) => Effect.map(readResource(run, aliceCaller, uri), textOf)
      const noteJson = yield* read(`mana://notes/${note}`)
      assert.deepInclude(noteJson, { id: note, title: "Plan", content: "Geheim" })
      assert.deepInclude(yield* read(`mana://tasks/${task}`), { id: task, title: "Call mum" })
      assert.deepInclude(yield* read(`mana://journal/${entry}`), { id: entry, content: "Ein guter Tag" })
      const habits = yield* read("mana://habits/today")
      assert.deepStrictEqual(habits.habits.map((habit: { title: string }) => habit.title), ["Walk"])
      const result = yield* readResource(run, aliceCaller, `mana://notes/${note.toUpperCase()}`)
      assert.strictEqual(result.contents[0]?.mimeType, "application/json")
    }).pipe(Effect.provide(resourceLayer())))

  it.effect("another space's or user's record is not found, exactly like an id that never existed", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const note = idOf(yield* callTool(run, "notes.create", { title: "Mine", content: "x" }, aliceCaller), "note")
      const inShared = callerFor(alice, spaceShared)
      const otherSpace = yield* failureOf(readResource(run, inShared, `mana://notes/${note}`))
      const otherUser = yield* failureOf(readResource(run, callerFor(bob), `mana://notes/${note}`))
      const unknownId = "0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"
      const never = yield* failureOf(readResource(run, aliceCaller, `mana://notes/${unknownId}`))
      assert.strictEqual(otherSpace.reason, "NotFound")
      assert.strictEqual(otherUser.reason, "NotFound")
      assert.strictEqual(otherUser.message.replaceAll(note, "ID"), never.message.replaceAll(unknownId, "ID"))
    }).pipe(Effect.provide(resourceLayer())))

  it.effect("an unknown URI is not found and names what is accepted", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const failure = yield* failureOf(readResource(run, aliceCaller, "file:///etc/passwd"))
      assert.strictEqual(failure.reason, "NotFound")
      assert.include(failure.message, "mana://notes/{id}")
    }).pipe(Effect.provide(resourceLayer())))

  it.effect("a zero-knowledge user gets the tools' zero-knowledge error", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const failure = yield* failureOf(
        readResource(run, aliceCaller, "mana://notes/0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d")
      )
      assert.strictEqual(failure.reason, "Refused")
      assert.match(failure.message, /zero-knowledge/i)
    }).pipe(Effect.provide(resourceLayer({ masterKeys: zeroKnowledgeMasterKeys }))))

  it.effect("reads pass the policy gate: the read tool's rate limit applies in enforce mode", () =>
    Effect.gen(function*() {
      const run = yield* runner
      yield* callTool(run, "habits.create", { title: "Walk" }, aliceCaller)
      yield* readResource(run, aliceCaller, "mana://habits/today")
      const failure = yield* failureOf(readResource(run, aliceCaller, "mana://habits/today"))
      assert.strictEqual(failure.reason, "Refused")
      assert.match(failure.message, /rate/i)
    }).pipe(Effect.provide(resourceLayer({ env: { POLICY_MODE: "enforce", POLICY_RATE_LIMIT: "1" } }))))
})

describe("resources/list", () => {
  it.effect("lists today's habits, then notes, journal entries and open tasks, page by page", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const note = idOf(yield* callTool(run, "notes.create", { title: "N", content: "c" }, aliceCaller), "note")
      const task = idOf(yield* callTool(run, "todo.create", { title: "T" }, aliceCaller), "task")
      const done = idOf(yield* callTool(run, "todo.create", { title: "Done" }, aliceCaller), "task")
      yield* callTool(run, "todo.complete", { id: done }, aliceCaller)
      const uris: Array<string> = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = yield* listResources(run, aliceCaller, cursor)
        uris.push(...page.resources.map((resource) => resource.uri))
        cursor = page.nextCursor
        pages += 1
      } while (cursor !== undefined)
      assert.deepStrictEqual(uris, ["mana://habits/today", `mana://notes/${note}`, `mana://tasks/${task}`])
      assert.strictEqual(pages, 3)
      // Bob sees none of Alice's records.
      const bobs = yield* listResources(run, callerFor(bob), undefined)
      assert.deepStrictEqual(bobs.resources.map((resource) => resource.uri), ["mana://habits/today"])
    }).pipe(Effect.provide(resourceLayer())))

  it.effect("a cursor that is not one of ours is refused as invalid params", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const failure = yield* failureOf(listResources(run, aliceCaller, "bm9wZQ"))
      assert.strictEqual(failure.reason, "InvalidParams")
      assert.include(failure.message, "without a cursor")
    }).pipe(Effect.provide(resourceLayer())))
})

describe("scopes", () => {
  it("resource reads and resource listen streams need mana.read, like read tools", () => {
    const hintOf = () => undefined
    const writeOnly = ["mana.write"]
    const message = (method: string, params: Record<string, unknown> = {}) => ({
      jsonrpc: "2.0",
      id: 1,
      method,
      params
    })
    assert.strictEqual(
      missingScope(message("resources/read", { uri: "mana://habits/today" }), writeOnly, hintOf),
      "mana.read"
    )
    assert.strictEqual(missingScope(message("resources/list"), writeOnly, hintOf), "mana.read")
    assert.strictEqual(missingScope(message("resources/subscribe", { uri: "x" }), writeOnly, hintOf), "mana.read")
    const listen = message("subscriptions/listen", {
      notifications: { resourceSubscriptions: ["mana://habits/today"] }
    })
    assert.strictEqual(missingScope(listen, writeOnly, hintOf), "mana.read")
    assert.isUndefined(missingScope(listen, ["mana.read"], hintOf))
    assert.isUndefined(missingScope(message("resources/templates/list"), writeOnly, hintOf))
  })
})
