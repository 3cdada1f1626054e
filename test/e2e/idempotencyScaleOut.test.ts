/**
 * Idempotency keys across instances, end to end: two real gateways (`npm start`,
 * STATE_STORE=redis) on one real `redis-server`, driven by the SDK client in both eras. The same
 * key sent to each instance in turn is one record with one answer; sent to both at once, still
 * one record (its id is derived from the key); and Redis holds neither the key nor the title.
 */
import { Redis } from "ioredis"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type GatewayCluster, startGatewayCluster } from "../harness/gatewayCluster.ts"
import { type DevUser, registerUser } from "../support/devUsers.ts"
import { connectLegacy, connectModern, structured } from "../support/mcpClients.ts"
import { rawPullAll } from "../support/rawSync.ts"

let cluster: GatewayCluster

beforeAll(async () => {
  cluster = await startGatewayCluster({ env: { POLICY_MODE: "enforce" } })
}, 120_000)
afterAll(() => cluster?.stop(), 60_000)

const credentialsOf = (user: DevUser) => ({ token: user.accessToken, spaceId: user.personalSpaceId })
const instanceUrl = (index: number) => cluster.instances[index]?.mcpUrl ?? ""

const inserts = async (user: DevUser) =>
  (await rawPullAll(cluster.upstream.syncUrl, user.accessToken, "habits", "habits"))
    .filter((change) => change.op === "insert")

describe.each(["modern", "legacy"] as const)("one idempotency key on two instances, %s era", (era) => {
  const connect = (url: string, user: DevUser) =>
    era === "modern" ? connectModern(url, credentialsOf(user)) : connectLegacy(url, credentialsOf(user))

  it("the same key on each instance in turn is one record with one answer", async () => {
    const user = await registerUser(cluster.upstream.authUrl)
    const [a, b] = [await connect(instanceUrl(0), user), await connect(instanceUrl(1), user)]
    const args = { title: `Stretch secret-title-${era}`, idempotencyKey: `secret-key-${era}` }
    const first = await structured(a.client, "habits.create", args)
    const second = await structured(b.client, "habits.create", args)
    expect(second).toEqual(first)
    expect((await inserts(user)).map((change) => change.id)).toEqual([first.habit.id])
    const redis = new Redis(cluster.redis.url)
    const keys = await redis.keys("*idem:*")
    const values = keys.length === 0 ? [] : await redis.mget(...keys)
    await redis.quit()
    expect(keys.length).toBeGreaterThan(0)
    expect(JSON.stringify([keys, values])).not.toMatch(/secret-key|secret-title/)
    await a.client.close()
    await b.client.close()
  })

  it("the same key on both instances at once is still one record", async () => {
    const user = await registerUser(cluster.upstream.authUrl)
    const [a, b] = [await connect(instanceUrl(0), user), await connect(instanceUrl(1), user)]
    const args = { title: "Meditate", idempotencyKey: `race-${era}` }
    const [first, second] = await Promise.all([
      structured(a.client, "habits.create", args),
      structured(b.client, "habits.create", args)
    ])
    expect(second.habit.id).toBe(first.habit.id)
    expect(new Set((await inserts(user)).map((change) => change.id))).toEqual(new Set([first.habit.id]))
    expect((await structured(a.client, "habits.list")).habits).toHaveLength(1)
    await a.client.close()
    await b.client.close()
  })
})
