/**
 * The Client ID Metadata Document fetch of the dev authorization server (issue #28, findings 2
 * and 13): only public addresses unless allowed for development, at most 64 KiB counted while
 * the body streams, a deadline, at most four fetches at once, and one answer whatever went wrong.
 */
import { HttpApp } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { type Duration, Effect, Option } from "effect"
import { makeDevAuth } from "../../../../src/dev/auth/DevAuth.ts"
import {
  type DocumentHandler,
  metadataDocument,
  startDocumentServer,
  streamHugeDocument
} from "../../../support/documentServer.ts"
import { closedPortUrl } from "../../../support/httpServer.ts"
import { authorizeUrl, pkcePair } from "../../../support/oauthFlow.ts"

const authUrl = "http://auth.test"
const resource = "http://127.0.0.1:3069/mcp"
const redirectUri = "http://127.0.0.1/callback"

const devAuth = (allowPrivateClientDocuments: boolean, clientDocumentTimeout?: Duration.DurationInput) =>
  Effect.map(
    makeDevAuth({
      baseUrl: authUrl,
      dataDir: Option.none(),
      oauth: {
        resources: [resource],
        allowPrivateClientDocuments,
        ...(clientDocumentTimeout === undefined ? {} : { clientDocumentTimeout })
      }
    }),
    (auth) => HttpApp.toWebHandler(auth.app)
  )

const documentServer = (handler: DocumentHandler) =>
  Effect.acquireRelease(Effect.promise(() => startDocumentServer(handler)), (server) => Effect.promise(server.close))

/** `/oauth/authorize` for `clientId`: status and page text. */
const authorize = (send: (request: Request) => Promise<Response>, clientId: string) =>
  Effect.promise(async () => {
    const { challenge } = await pkcePair()
    const response = await send(
      new Request(authorizeUrl(authUrl, {
        response_type: "code",
        client_id: clientId,
        redirect_uri: redirectUri,
        code_challenge: challenge,
        code_challenge_method: "S256",
        resource
      }))
    )
    return { status: response.status, html: await response.text() }
  })

describe("client metadata documents", () => {
  it.scopedLive("are not fetched from loopback unless private addresses are allowed for development", () =>
    Effect.gen(function*() {
      const server = yield* documentServer((_request, response, self) =>
        response.end(metadataDocument(self, redirectUri))
      )
      const production = yield* devAuth(false)
      const refused = yield* authorize(production, `${server.base}/client.json`)
      assert.strictEqual(refused.status, 400)
      assert.strictEqual(server.requests(), 0)
      const development = yield* devAuth(true)
      const accepted = yield* authorize(development, `${server.base}/client.json`)
      assert.strictEqual(accepted.status, 200)
      assert.strictEqual(server.requests(), 1)
    }))

  it.scopedLive("stop reading a document past 64 KiB while it streams", () =>
    Effect.gen(function*() {
      const server = yield* documentServer((_request, response, self) =>
        streamHugeDocument(response, self, 64 * 1024 * 1024)
      )
      const send = yield* devAuth(true)
      const answer = yield* authorize(send, `${server.base}/client.json`)
      assert.strictEqual(answer.status, 400)
      // A reader that read it whole would have let the server finish its 64 MiB.
      assert.strictEqual(server.finished(), 0)
    }))

  it.scopedLive("answer the same page whatever went wrong: 404, refused, not JSON, too large, another client_id", () =>
    Effect.gen(function*() {
      const server = yield* documentServer((request, response, self) => {
        if (request.url === "/missing.json") return void response.writeHead(404).end("not found")
        if (request.url === "/text.json") return void response.end("<html>hello</html>")
        if (request.url === "/large.json") return streamHugeDocument(response, self, 1024 * 1024)
        response.end(metadataDocument(`${self}-other`, redirectUri))
      })
      const closed = yield* closedPortUrl
      const send = yield* devAuth(true)
      const pages = yield* Effect.forEach(
        [
          `${server.base}/missing.json`,
          `${closed}/client.json`,
          `${server.base}/text.json`,
          `${server.base}/large.json`,
          `${server.base}/other.json`
        ],
        (clientId) => authorize(send, clientId)
      )
      for (const page of pages) assert.strictEqual(page.status, 400)
      const [first, ...rest] = pages.map((page) => page.html)
      for (const html of rest) assert.strictEqual(html, first)
    }))

  it.scopedLive("are fetched at most four at a time", () =>
    Effect.gen(function*() {
      const held: Array<() => void> = []
      const server = yield* documentServer((_request, response, self) => {
        const answer = () => response.end(metadataDocument(self, redirectUri))
        held.push(answer)
        // Held until a fifth fetch is open at once (which must never happen), or 300 ms.
        if (held.length >= 5) { for (const release of held.splice(0)) release() }
        else setTimeout(answer, 300)
      })
      const send = yield* devAuth(true)
      const answers = yield* Effect.forEach(
        Array.from({ length: 10 }, (_, n) => `${server.base}/client-${n}.json`),
        (clientId) => authorize(send, clientId),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(answers.map((answer) => answer.status), Array.from({ length: 10 }, () => 200))
      assert.isAtMost(server.maxOpen(), 4)
    }))

  it.scopedLive("give up on a document that trickles past the deadline", () =>
    Effect.gen(function*() {
      const server = yield* documentServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        response.write("{")
        const timer = setInterval(() => response.write(" "), 20)
        response.on("close", () => clearInterval(timer))
      })
      const send = yield* devAuth(true, "300 millis")
      const answer = yield* authorize(send, `${server.base}/client.json`)
      assert.strictEqual(answer.status, 400)
      assert.strictEqual(server.finished(), 0)
    }))
})
