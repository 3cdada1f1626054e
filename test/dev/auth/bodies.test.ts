/**
 * The dev mana-auth reads request bodies to at most 64 KiB, counted while they stream: an
 * oversized body is answered 413 in each route family's own shape, and is never read whole.
 */
import { HttpApp } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { makeDevAuth } from "../../../src/dev/auth/DevAuth.ts"

const authUrl = "http://auth.test"

/** A body of `bytes` bytes streamed without Content-Length, and how much of it was pulled. */
const streamedBody = (bytes: number, head: string) => {
  const chunk = new TextEncoder().encode(" ".repeat(16 * 1024))
  const pulled = { bytes: 0 }
  const stream = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(new TextEncoder().encode(head)),
    pull: (controller) => {
      if (pulled.bytes >= bytes) return controller.close()
      pulled.bytes += chunk.length
      controller.enqueue(chunk)
    }
  })
  return { stream, pulled }
}

describe("dev mana-auth request bodies", () => {
  it.effect("answers 413 to a body over 64 KiB at the JSON routes, /oauth/token and /oauth/register, reading no further", () =>
    Effect.gen(function*() {
      const auth = yield* makeDevAuth({ baseUrl: authUrl, dataDir: Option.none(), oauth: { resources: [] } })
      const handler = HttpApp.toWebHandler(auth.app)
      for (
        const [path, type, head] of [
          ["/api/v1/auth/register", "application/json", "{"],
          ["/oauth/token", "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token="],
          ["/oauth/register", "application/json", "{"]
        ] as const
      ) {
        const { pulled, stream } = streamedBody(8 * 1024 * 1024, head)
        const response = yield* Effect.promise(() =>
          handler(
            new Request(`${authUrl}${path}`, {
              method: "POST",
              headers: { "content-type": type },
              body: stream,
              duplex: "half"
            } as RequestInit)
          )
        )
        assert.strictEqual(response.status, 413, path)
        assert.isBelow(pulled.bytes, 1024 * 1024, path)
      }
    }))
})
