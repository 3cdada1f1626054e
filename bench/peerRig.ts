/**
 * The set-up of the `peer` benchmarks, as in production: dev mana-auth and dev mana-sync in one
 * process (a local-mode `npm start` whose own gateway stays idle), the gateway under test in
 * **remote mode in its own process** pointed at them, and the naive peer in a third. Seeds
 * `users` users with `habits` habits each and opens the raw MCP clients the loads use.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Gateway, startGateway } from "../test/harness/gatewayProcess.ts"
import { type DevUser, registerUser } from "../test/support/devUsers.ts"
import { headersFor } from "../test/support/mcpClients.ts"
import { benchEnv, waitPastOverlap } from "./harness.ts"
import { type Peer, startPeer } from "./processes.ts"
import { modernCaller, openLegacySession, type RawSession } from "./rawMcp.ts"
import { habitInserts, pushAll } from "./upstream.ts"

export interface Seat {
  readonly user: DevUser
  readonly gatewayLegacy: RawSession
  readonly gatewayModern: RawSession
  readonly peerLegacy: RawSession
  /** Sessions on the baseline gateway, when the rig has one. */
  readonly baselineLegacy: RawSession | undefined
  readonly baselineModern: RawSession | undefined
}

export interface Rig {
  readonly upstreams: Gateway
  readonly gateway: Gateway
  readonly peer: Peer | undefined
  /** The same gateway built from another checkout (`baselineRoot`), for a before/after in one run. */
  readonly baseline: Gateway | undefined
  readonly seats: ReadonlyArray<Seat>
}

export interface RigOptions {
  readonly users: number
  readonly habits: number
  /** Start the naive peer too. */
  readonly withPeer: boolean
  /** Write a `.cpuprofile` of the gateway under test into this directory (made fresh). */
  readonly profileDir?: string
  /** Also start the gateway of this checkout (e.g. `git worktree add /tmp/base <rev>` + `npm ci`) in remote mode. */
  readonly baselineRoot?: string
}

export const withPeerRig = async <A>(options: RigOptions, run: (rig: Rig) => Promise<A>): Promise<A> => {
  const upstreams = await startGateway(benchEnv, { direct: true })
  const cleanups: Array<() => Promise<unknown>> = [() => upstreams.stop()]
  try {
    const gateway = await startGateway(
      { ...benchEnv, MANA_AUTH_URL: upstreams.authUrl, MANA_SYNC_URL: upstreams.syncUrl },
      {
        direct: true,
        ...(options.profileDir === undefined ? {} : {
          bunArgs: ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`, "--cpu-prof-name=gateway.cpuprofile"]
        })
      }
    )
    cleanups.unshift(() => gateway.stop())
    const peer = options.withPeer ? await startPeer(upstreams.authUrl, upstreams.syncUrl) : undefined
    if (peer !== undefined) cleanups.unshift(() => peer.stop())
    const baseline = options.baselineRoot === undefined ? undefined : await startGateway(
      { ...benchEnv, MANA_AUTH_URL: upstreams.authUrl, MANA_SYNC_URL: upstreams.syncUrl },
      { direct: true, root: options.baselineRoot }
    )
    if (baseline !== undefined) cleanups.unshift(() => baseline.stop())
    const seats: Array<Seat> = []
    let seededAt = performance.now()
    for (let i = 0; i < options.users; i++) {
      const user = await registerUser(upstreams.authUrl)
      const owner = { userId: user.userId, spaceId: user.personalSpaceId }
      await pushAll(upstreams.syncUrl, user.accessToken, "habits", habitInserts(owner, options.habits))
      seededAt = performance.now()
      const headers = headersFor({ token: user.accessToken, spaceId: user.personalSpaceId })
      const gatewayLegacy = await openLegacySession(gateway.mcpUrl, headers)
      const peerLegacy = peer === undefined ? gatewayLegacy : await openLegacySession(peer.mcpUrl, headers)
      seats.push({
        user,
        gatewayLegacy,
        gatewayModern: modernCaller(gateway.mcpUrl, headers),
        peerLegacy,
        baselineLegacy: baseline === undefined ? undefined : await openLegacySession(baseline.mcpUrl, headers),
        baselineModern: baseline === undefined ? undefined : modernCaller(baseline.mcpUrl, headers)
      })
    }
    await waitPastOverlap(seededAt)
    return await run({ upstreams, gateway, peer, baseline, seats })
  } catch (error) {
    console.error(`benchmark failed; the upstreams' last output:\n${upstreams.output().slice(-2000)}`)
    throw error
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined)
  }
}

/** A fresh, empty directory for a profile. */
export const freshDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))
export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true })
