import { assert, describe, it } from "@effect/vitest"
import { redirectUriMatches, redirectUriProblem } from "../../../../src/dev/auth/oauth/redirectUris.ts"

describe("redirect URIs", () => {
  it("registers https, loopback http and reverse-domain schemes; refuses the rest", () => {
    for (
      const ok of ["https://app.example/cb", "http://127.0.0.1/cb", "http://localhost:8080/cb", "com.example.app:/cb"]
    ) {
      assert.isUndefined(redirectUriProblem(ok), ok)
    }
    for (
      const bad of [
        "http://app.example/cb",
        "https://app.example/cb#frag",
        "javascript:alert(1)",
        "not a uri",
        "myapp:/cb"
      ]
    ) {
      assert.isString(redirectUriProblem(bad), bad)
    }
  })

  it("matches exactly, except that a loopback http redirect may use any port (RFC 8252)", () => {
    const registered = ["http://127.0.0.1/callback", "https://app.example/cb"]
    assert.isTrue(redirectUriMatches(registered, "https://app.example/cb"))
    assert.isTrue(redirectUriMatches(registered, "http://127.0.0.1:49152/callback"))
    assert.isFalse(redirectUriMatches(registered, "https://app.example:8443/cb"))
    assert.isFalse(redirectUriMatches(registered, "https://app.example/cb/"))
    assert.isFalse(redirectUriMatches(registered, "http://127.0.0.1:49152/other"))
    assert.isFalse(redirectUriMatches(registered, "http://localhost:49152/callback"))
    assert.isFalse(redirectUriMatches(registered, "http://127.0.0.1:49152/callback?x=1"))
  })
})
