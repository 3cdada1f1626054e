/**
 * Graceful shutdown of the real `npm start` entry: on SIGTERM a tool call already running
 * completes, new requests are refused, sessions close and the process exits within 10 s.
 * DEV_SYNC_LATENCY makes the dev mana-sync slow so the call is reliably in flight.
 */
import { describe, expect, it } from "vitest"
import { registerUser } from "../support/devUsers.ts"
import { startGateway } from "../support/gateway.ts"
import { connectLegacy, connectModern } from "../support/mcpClients.ts"

describe("graceful shutdown", () => {
  it("finishes the running call, refuses new work and exits within 10 s of SIGTERM", async () => {
    const gateway = await startGateway({ DEV_SYNC_LATENCY: "3s" }, { direct: true })
    const user = await registerUser(gateway.authUrl)
    const { client } = await connectLegacy(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })

    const running = client.callTool({ name: "habits.create", arguments: { title: "Written during shutdown" } })
    // Well inside the first 3 s upstream wait, so the call is surely in flight even on a busy machine.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const signalledAt = Date.now()
    const exited = gateway.stop("SIGTERM")

    await new Promise((resolve) => setTimeout(resolve, 200))
    const refused = await fetch(`${gateway.mcpUrl}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}"
    })
      .then((response) => response.status)
      .catch(() => "connection refused")
    expect([503, "connection refused"]).toContain(refused)
    const health = await fetch(`${gateway.baseUrl}/health`).then((response) => response.status).catch(() =>
      "connection refused"
    )
    expect([503, "connection refused"]).toContain(health)

    const result = await running
    expect(result.isError).not.toBe(true)
    expect((result.structuredContent as { habit: { title: string } }).habit.title).toBe("Written during shutdown")

    const code = await exited
    expect(Date.now() - signalledAt).toBeLessThan(10_000)
    expect(code).toBe(0)
    expect(gateway.output()).toContain("draining")
  })

  it.each([
    ["a 2025 session", connectLegacy],
    ["2026-07-28 (a read answered without the SDK server)", connectModern]
  ])(
    "does not wait past SHUTDOWN_GRACE for a call that hangs, and answers it as unconfirmed: %s",
    async (_era, connect) => {
      const gateway = await startGateway({ DEV_SYNC_LATENCY: "30s", SHUTDOWN_GRACE: "1s" }, { direct: true })
      const user = await registerUser(gateway.authUrl)
      const { client } = await connect(gateway.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })
      const hanging = client.callTool({ name: "habits.list", arguments: {} }).then(
        (result) => JSON.stringify(result),
        (error: unknown) => String(error)
      )
      await new Promise((resolve) => setTimeout(resolve, 300))
      const signalledAt = Date.now()
      await gateway.stop("SIGTERM")
      expect(Date.now() - signalledAt).toBeLessThan(5_000)
      // Cut at the grace deadline: a JSON-RPC error on the call's own stream, not a hang or a dropped stream.
      expect(await hanging).toContain("its outcome is unconfirmed — check with the list tool before retrying")
    }
  )
})
