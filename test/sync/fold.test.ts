/**
 * The fold (docs/upstreams.md §3.7) and the space filter (§3.6): pure functions, so plain data in and out.
 */
import { assert, describe, it } from "@effect/vitest"
import { applyChanges, emptyFold, liveRecords, type ReadScope, visibleIn } from "../../src/sync/fold.ts"
import type { WireChange } from "../../src/sync/SyncWire.ts"

const fold = (changes: ReadonlyArray<WireChange>) => liveRecords(applyChanges(emptyFold, changes))
const one = (changes: ReadonlyArray<WireChange>) => {
  const records = fold(changes)
  assert.strictEqual(records.length, 1)
  return records[0]?.data ?? {}
}

describe("fold", () => {
  it("follows the worked example: an older update does not win", () => {
    const data = one([
      {
        eventId: "e1",
        table: "tasks",
        id: "a1",
        op: "insert",
        data: { id: "a1", title: "enc:A", isCompleted: false, order: 0, spaceId: "S" }
      },
      {
        eventId: "e2",
        table: "tasks",
        id: "a1",
        op: "update",
        fields: { isCompleted: { value: true, at: "2026-05-01T12:03:00.000Z" } }
      },
      {
        eventId: "e3",
        table: "tasks",
        id: "a1",
        op: "update",
        fields: { isCompleted: { value: false, at: "2026-05-01T12:01:00.000Z" } }
      }
    ])
    assert.deepStrictEqual(data, { title: "enc:A", isCompleted: true, order: 0, spaceId: "S" })
  })

  it("compares instants, not strings (Go nanoseconds vs JS milliseconds)", () => {
    // As strings "…00.5Z" > "…00.123456789Z", as instants it is the other way round only if parsed.
    const data = one([
      { table: "t", id: "r", op: "update", fields: { x: { value: "later", at: "2026-05-01T12:00:00.5Z" } } },
      { table: "t", id: "r", op: "update", fields: { x: { value: "earlier", at: "2026-05-01T12:00:00.123456789Z" } } },
      { table: "t", id: "r", op: "update", fields: { y: { value: "offset-later", at: "2026-05-01T14:00:01+02:00" } } },
      { table: "t", id: "r", op: "update", fields: { y: { value: "utc-earlier", at: "2026-05-01T12:00:00Z" } } }
    ])
    assert.strictEqual(data["x"], "later")
    assert.strictEqual(data["y"], "offset-later")
  })

  it("treats an empty or missing `at` as lowest and lets the later event win ties", () => {
    const data = one([
      { table: "t", id: "r", op: "insert", data: { a: 1, b: 1, updatedAt: "2026-01-01T00:00:00Z" } },
      { table: "t", id: "r", op: "update", fields: { a: { value: 2, at: "" } } },
      { table: "t", id: "r", op: "update", fields: { b: { value: 2, at: "2026-01-01T00:00:00.000Z" } } }
    ])
    assert.strictEqual(data["a"], 1)
    assert.strictEqual(data["b"], 2)
  })

  it("lets updates win over an insert without timestamps, even when the insert arrives later", () => {
    const data = one([
      { table: "t", id: "r", op: "update", fields: { title: { value: "new", at: "2026-01-01T00:00:00Z" } } },
      { table: "t", id: "r", op: "insert", data: { title: "old", icon: "sun" } }
    ])
    assert.deepStrictEqual(data, { title: "new", icon: "sun" })
  })

  it("dedupes by eventId", () => {
    const data = one([
      { eventId: "e1", table: "t", id: "r", op: "update", fields: { n: { value: 1, at: "2026-01-01T00:00:00Z" } } },
      { eventId: "e2", table: "t", id: "r", op: "update", fields: { n: { value: 2, at: "2026-01-01T00:00:00Z" } } },
      { eventId: "e1", table: "t", id: "r", op: "update", fields: { n: { value: 1, at: "2026-01-01T00:00:00Z" } } }
    ])
    assert.strictEqual(data["n"], 2)
  })

  it("soft-deletes by deletedAt, and an update of deletedAt to null un-deletes", () => {
    const changes: Array<WireChange> = [
      { table: "t", id: "r", op: "insert", data: { title: "x" } },
      { table: "t", id: "r", op: "delete", deletedAt: "2026-01-02T00:00:00Z" }
    ]
    assert.strictEqual(fold(changes).length, 0)
    changes.push({
      table: "t",
      id: "r",
      op: "update",
      fields: { deletedAt: { value: null, at: "2026-01-03T00:00:00Z" } }
    })
    assert.strictEqual(fold(changes).length, 1)
  })

  it("keeps a tombstone after a hard delete that ignores later partial updates", () => {
    assert.strictEqual(
      fold([
        { table: "t", id: "r", op: "insert", data: { title: "x" } },
        { table: "t", id: "r", op: "delete" },
        { table: "t", id: "r", op: "update", fields: { title: { value: "ghost", at: "2030-01-01T00:00:00Z" } } }
      ]).length,
      0
    )
  })

  it("keeps a record where its insert put it: later changes cannot move or re-author it", () => {
    const [record] = fold([
      { table: "t", id: "r", op: "insert", spaceId: "P", data: { title: "x", spaceId: "P", authorId: "u1" } },
      {
        table: "t",
        id: "r",
        op: "update",
        spaceId: "S",
        fields: {
          spaceId: { value: "S", at: "2030-01-01T00:00:00Z" },
          authorId: { value: "u2", at: "2030-01-01T00:00:00Z" },
          title: { value: "y", at: "2030-01-01T00:00:00Z" }
        }
      },
      {
        table: "t",
        id: "r",
        op: "insert",
        spaceId: "S",
        data: { spaceId: "S", authorId: "u2", updatedAt: "2031-01-01T00:00:00Z" }
      }
    ])
    assert.strictEqual(record?.spaceId, "P")
    assert.deepStrictEqual([record?.data["spaceId"], record?.data["authorId"], record?.data["title"]], ["P", "u1", "y"])
  })

  it("keeps the top-level spaceId of the record's changes", () => {
    const [record] = fold([{
      table: "t",
      id: "r",
      op: "update",
      spaceId: "S",
      fields: { title: { value: "x", at: "" } }
    }])
    assert.strictEqual(record?.spaceId, "S")
  })
})

describe("visibleIn", () => {
  const scope: ReadScope = { userId: "u1", spaceId: "S", personal: false }
  const personal: ReadScope = { ...scope, personal: true }
  const rec = (data: Record<string, unknown>, spaceId?: string) => ({ id: "r", data, spaceId })

  it("matches data.spaceId or the top-level space", () => {
    assert.isTrue(visibleIn(rec({ spaceId: "S" }), scope))
    assert.isTrue(visibleIn(rec({}, "S"), scope))
    assert.isFalse(visibleIn(rec({ spaceId: "T" }, "T"), scope))
  })

  it("shows the sentinel and space-less legacy records only in the personal space", () => {
    assert.isFalse(visibleIn(rec({ spaceId: "_personal:u1" }), scope))
    assert.isTrue(visibleIn(rec({ spaceId: "_personal:u1" }), personal))
    assert.isFalse(visibleIn(rec({ spaceId: "_personal:u2" }), personal))
    assert.isFalse(visibleIn(rec({}), scope))
    assert.isTrue(visibleIn(rec({}), personal))
  })

  it("hides private records from everyone but their author", () => {
    assert.isFalse(visibleIn(rec({ spaceId: "S", visibility: "private", authorId: "u2" }), scope))
    assert.isTrue(visibleIn(rec({ spaceId: "S", visibility: "private", authorId: "u1" }), scope))
  })
})
