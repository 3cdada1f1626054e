/**
 * Whatever a client puts in `Authorization` or the form, /oauth/token and /oauth/revoke answer
 * an OAuth error (400 or 401) or success, never a 500 (issue #28, finding 10, generalised).
 */
import { HttpApp } from "@effect/platform"
import { Effect, Option } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeDevAuth } from "../../../../src/dev/auth/DevAuth.ts"

const authUrl = "http://auth.test"

const makeHandler = () =>
  Effect.runPromise(Effect.map(
    makeDevAuth({ baseUrl: authUrl, dataDir: Option.none(), oauth: { resources: ["http://127.0.0.1:3069/mcp"] } }),
    (auth) => HttpApp.toWebHandler(auth.app)
  ))

/** Text with percent signs, plus signs, colons and non-ASCII mixed in. */
const credentialText = fc.stringOf(
  fc.oneof(fc.constantFrom("%", "%zz", "%E0%A4%A", "+", ":", "%3A", "é", "\u{1F600}"), fc.fullUnicode()),
  { maxLength: 24 }
)

const authorization = fc.oneof(
  credentialText.map((text) => `Basic ${Buffer.from(text, "utf8").toString("base64")}`),
  fc.string({ maxLength: 40 }).map((text) => `Basic ${text.replace(/\s/g, "")}`),
  fc.constant("Basic")
)

describe("token endpoint fuzzing", () => {
  it("never answers 500 to any Basic header or form at /oauth/token and /oauth/revoke", async () => {
    const handler = await makeHandler()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/oauth/token", "/oauth/revoke"),
        authorization,
        fc.dictionary(
          fc.constantFrom("grant_type", "refresh_token", "code", "token", "client_id", "scope"),
          fc.string()
        ),
        async (path, header, fields) => {
          const response = await handler(
            new Request(`${authUrl}${path}`, {
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded", authorization: header },
              body: new URLSearchParams(fields).toString()
            })
          )
          expect([200, 400, 401]).toContain(response.status)
        }
      ),
      { numRuns: 150 }
    )
  })
})
