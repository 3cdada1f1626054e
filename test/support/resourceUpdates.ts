/**
 * Resource notifications as an SDK client sees them, for end-to-end tests and the bench: collects a
 * client's `notifications/resources/updated` with their arrival time, and a web-app style change
 * to a note pushed straight to the dev mana-sync (a plaintext field, with the user's own JWT).
 */
import type { Client } from "@modelcontextprotocol/client"
import type { DevUser } from "./devUsers.ts"
import { rawPush } from "./rawSync.ts"

/** Collects `resources/updated`; `next` waits (at most `patience` ms) for one about `uri` after `after`. */
export const updatesOf = (client: Client, patience = 10_000) => {
  const seen: Array<{ readonly uri: string; readonly at: number }> = []
  const waiting: Array<() => void> = []
  client.setNotificationHandler("notifications/resources/updated", (notification) => {
    seen.push({ uri: notification.params.uri, at: performance.now() })
    for (const wake of waiting.splice(0)) wake()
  })
  /** Resolves with the delay since `after` (a `performance.now()` instant). */
  const next = (uri: string, after: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const giveUp = setTimeout(
        () => reject(new Error(`no resources/updated for ${uri} within ${patience} ms`)),
        patience
      )
      const check = () => {
        const found = seen.find((update) => update.uri === uri && update.at >= after)
        if (found === undefined) waiting.push(check)
        else {
          clearTimeout(giveUp)
          resolve(found.at - after)
        }
      }
      check()
    })
  return { seen, next }
}

/** The web app sets a note's `isPinned`: one field update pushed straight to mana-sync. */
export const webAppPin = (syncUrl: string, user: DevUser, id: string, pinned = true) =>
  rawPush(syncUrl, user.accessToken, "notes", [{
    table: "notes",
    id,
    op: "update",
    spaceId: user.personalSpaceId,
    fields: { isPinned: { value: pinned, at: new Date().toISOString() } }
  }])
