/**
 * An independent implementation of the `enc:1:` wire format for end-to-end checks (Web Crypto,
 * written from docs/upstreams.md §5, not from the gateway's Crypto service), so a test can confirm
 * that what the gateway wrote is what the web app would read.
 */
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")

export const importRawKey = (base64Key: string) =>
  crypto.subtle.importKey("raw", Buffer.from(base64Key, "base64"), { name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt"
  ])

export const decryptWire = async (key: CryptoKey, wire: string): Promise<unknown> => {
  const [iv, body] = wire.slice("enc:1:".length).split(".")
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: Buffer.from(iv ?? "", "base64") },
    key,
    Buffer.from(body ?? "", "base64")
  )
  return JSON.parse(new TextDecoder().decode(plain))
}

export const encryptValue = async (key: CryptoKey, value: unknown): Promise<string> => {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    key,
    new TextEncoder().encode(JSON.stringify(value))
  )
  return `enc:1:${b64(iv)}.${b64(new Uint8Array(sealed))}`
}

export const vaultKeyOf = async (authUrl: string, token: string): Promise<string> => {
  const response = await fetch(`${authUrl}/api/v1/me/encryption-vault/key`, {
    headers: { authorization: `Bearer ${token}` }
  })
  const body = (await response.json()) as { masterKey?: string }
  if (body.masterKey === undefined) throw new Error(`no master key (${response.status})`)
  return body.masterKey
}
