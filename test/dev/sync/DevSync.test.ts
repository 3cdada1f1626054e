/**
 * DevSync over its web handler: mana-sync's HTTP contract (plain-text 401/400, JSON 402, health,
 * the dev billing switch) and the local-mode journal surviving a restart, torn last line included.
 */
import { HttpApp } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { appendFile, mkdtemp, readFile, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeDevSync } from "../../../src/dev/sync/DevSync.ts"
import { startJwksServer } from "../../support/jwksServer.ts"
import { alice, memberships } from "../../support/users.ts"

const start = (jwksUrl: string, dataDir: Option.Option<string> = Option.none()) =>
  Effect.map(Effect.orDie(makeDevSync({ jwksUrl, memberships, dataDir })), (devSync) => {
    const handler = HttpApp.toWebHandler(devSync.app)
    return (path: string, init: RequestInit = {}) =>
      Effect.promise(async () => {
        const response = await handler(new Request(`http://dev-sync.test${path}`, init))
        return { status: response.status, text: await response.text() }
      })
  })

const bearer = (token: string, extra: Record<string, string> = {}) => ({
  headers: { authorization: `Bearer ${token}`, ...extra }
})
const pushBody = (id: string) =>
  JSON.stringify({ clientId: "w", changes: [{ table: "habits", id, op: "insert", data: { title: id } }] })
const pullPath = "/sync/habits/pull?collection=habits&since=1970-01-01T00:00:00Z"

describe("DevSync", () => {
  it.live("answers 401 in plain text and accepts a valid JWT", () =>
    Effect.gen(function*() {
      const issuer = yield* startJwksServer
      const request = yield* start(issuer.jwksUrl)
      assert.deepStrictEqual(yield* request(pullPath), { status: 401, text: "unauthorized: no authorization header\n" })
      const bad = yield* request(pullPath, bearer("abc.def.ghi"))
      assert.strictEqual(bad.status, 401)
      assert.match(bad.text, /^unauthorized: .+\n$/)
      const ok = yield* request(pullPath, bearer(yield* issuer.tokenFor(alice)))
      assert.strictEqual(ok.status, 200)
      assert.deepStrictEqual(JSON.parse(ok.text).serverChanges, [])
    }).pipe(Effect.scoped))

  it.live("answers 400 in plain text and 402 with the sync_inactive JSON", () =>
    Effect.gen(function*() {
      const issuer = yield* startJwksServer
      const request = yield* start(issuer.jwksUrl)
      const auth = bearer(yield* issuer.tokenFor(alice))
      assert.deepStrictEqual(yield* request("/sync/habits/pull?since=x", auth), {
        status: 400,
        text: "missing collection or since parameter\n"
      })
      const malformed = yield* request("/sync/habits", { ...auth, method: "POST", body: "{not json" })
      assert.strictEqual(malformed.status, 400)
      assert.match(malformed.text, /^invalid JSON: /)
      const anonymous = yield* request(`/dev/billing/${alice}`, {
        method: "POST",
        body: JSON.stringify({ active: false })
      })
      assert.strictEqual(anonymous.status, 401)
      const someoneElse = yield* request(`/dev/billing/${alice}`, {
        ...bearer(yield* issuer.tokenFor("mallory")),
        method: "POST",
        body: JSON.stringify({ active: false })
      })
      assert.strictEqual(someoneElse.status, 403)
      assert.strictEqual((yield* request(pullPath, auth)).status, 200)
      const billing = yield* request(`/dev/billing/${alice}`, {
        ...auth,
        method: "POST",
        body: JSON.stringify({ active: false })
      })
      assert.strictEqual(billing.status, 200)
      const unpaid = yield* request(pullPath, auth)
      assert.strictEqual(unpaid.status, 402)
      assert.deepStrictEqual(JSON.parse(unpaid.text), {
        error: "sync_inactive",
        message: "Cloud Sync ist nicht aktiv. Aktiviere Sync in den Einstellungen."
      })
      const health = yield* request("/health")
      assert.strictEqual(JSON.parse(health.text).service, "mana-sync")
    }).pipe(Effect.scoped))

  it.live("stops reading a body at its bound: a push at 10 MiB (mana-sync's 400), the billing switch at 1 KiB (413)", () =>
    Effect.gen(function*() {
      const issuer = yield* startJwksServer
      const request = yield* start(issuer.jwksUrl)
      const auth = bearer(yield* issuer.tokenFor(alice))
      // 40 MiB offered lazily, 1 MiB per pull, with no Content-Length: only what is read is made.
      let pulled = 0
      const chunk = new Uint8Array(1024 * 1024).fill(0x20)
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => {
          if (pulled >= 40 * chunk.length) return controller.close()
          pulled += chunk.length
          controller.enqueue(chunk)
        }
      })
      const huge = yield* request("/sync/habits", { ...auth, method: "POST", body, duplex: "half" } as RequestInit)
      assert.deepStrictEqual(huge, { status: 400, text: "invalid JSON: request body too large\n" })
      assert.isAtMost(pulled, 12 * chunk.length, "the rest of the body is not read")
      const declared = yield* request("/sync/habits", {
        ...bearer(yield* issuer.tokenFor(alice), { "content-length": String(11 * chunk.length) }),
        method: "POST",
        body: "{}"
      })
      assert.deepStrictEqual(declared, { status: 400, text: "invalid JSON: request body too large\n" })
      const billing = yield* request(`/dev/billing/${alice}`, {
        ...auth,
        method: "POST",
        body: JSON.stringify({ active: false, padding: "x".repeat(2048) })
      })
      assert.deepStrictEqual(billing, { status: 413, text: "request body too large: at most 1024 bytes\n" })
    }).pipe(Effect.scoped))

  it.live("replays its journal after a restart and survives a torn last line", () =>
    Effect.gen(function*() {
      const issuer = yield* startJwksServer
      const auth = bearer(yield* issuer.tokenFor(alice))
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "devsync-")))
      const first = yield* start(issuer.jwksUrl, Option.some(dir))
      assert.strictEqual((yield* first("/sync/habits", { ...auth, method: "POST", body: pushBody("one") })).status, 200)
      // User data: owner-only, like the dev auth data.
      assert.strictEqual((yield* Effect.promise(() => stat(join(dir, "sync.jsonl")))).mode & 0o777, 0o600)
      yield* Effect.promise(() => appendFile(join(dir, "sync.jsonl"), `{"eventId":"torn`))

      const second = yield* start(issuer.jwksUrl, Option.some(dir))
      assert.strictEqual(
        (yield* second("/sync/habits", { ...auth, method: "POST", body: pushBody("two") })).status,
        200
      )
      const journal = yield* Effect.promise(() => readFile(join(dir, "sync.jsonl"), "utf8"))
      assert.strictEqual(journal.split("\n").filter((line) => line !== "").length, 2)

      const third = yield* start(issuer.jwksUrl, Option.some(dir))
      const pulled = JSON.parse((yield* third(pullPath, auth)).text)
      assert.deepStrictEqual(pulled.serverChanges.map((c: { id: string }) => c.id), ["one", "two"])
    }).pipe(Effect.scoped))
})
