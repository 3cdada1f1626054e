/**
 * Local mode keeps its data: users, spaces and sync rows written before a restart of `npm start`
 * are there after it (the dev stand-ins' append-only files under MANA_DEV_DATA_DIR).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { loginUser, registerUser } from "../support/devUsers.ts"
import { startGateway } from "../support/gateway.ts"
import { connectModern } from "../support/mcpClients.ts"

const dataDir = mkdtempSync(join(tmpdir(), "mana-mcp-persist-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe("local-mode persistence", () => {
  it("lists a habit and a task written before the restart", async () => {
    const first = await startGateway({}, { dataDir })
    const user = await registerUser(first.authUrl, { email: "persist@mana.test" })
    const before =
      (await connectModern(first.mcpUrl, { token: user.accessToken, spaceId: user.personalSpaceId })).client
    await before.callTool({ name: "habits.create", arguments: { title: "Survives restarts" } })
    await before.callTool({ name: "todo.create", arguments: { title: "Encrypted and persisted" } })
    await before.close()
    await first.stop()

    const second = await startGateway({}, { dataDir })
    const again = await loginUser(second.authUrl, "persist@mana.test", "correct-horse-battery")
    expect(again.userId).toBe(user.userId)
    expect(again.personalSpaceId).toBe(user.personalSpaceId)
    const after =
      (await connectModern(second.mcpUrl, { token: again.accessToken, spaceId: again.personalSpaceId })).client
    const habits = await after.callTool({ name: "habits.list", arguments: {} })
    expect(JSON.stringify(habits.structuredContent)).toContain("Survives restarts")
    const tasks = await after.callTool({ name: "todo.list", arguments: {} })
    expect(JSON.stringify(tasks.structuredContent)).toContain("Encrypted and persisted")
    await after.close()
    await second.stop()
  })
})
