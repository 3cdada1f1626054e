/**
 * Which addresses a client metadata document may be fetched from (public unicast only), and when
 * the local dev stack may allow private ones (only while bound to loopback).
 */
import { assert, describe, it } from "vitest"
import { isLoopbackBind, isPublicAddress } from "../../../../src/dev/auth/oauth/publicAddress.ts"

describe("publicAddress", () => {
  it("accepts public unicast addresses only", () => {
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
      assert.isTrue(isPublicAddress(address), address)
    }
    for (
      const address of [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "2002:a00:1::1",
        "ff02::1",
        "localhost",
        "example.com"
      ]
    ) assert.isFalse(isPublicAddress(address), address)
  })

  it("lets the dev stack allow private documents only while it is bound to loopback", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]) {
      assert.isTrue(isLoopbackBind(host), host)
    }
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com"]) assert.isFalse(isLoopbackBind(host), host)
  })
})
