/**
 * Creates users through the dev mana-auth's real HTTP API (register → login → organization list),
 * as an end-to-end test's way of getting real JWTs and space ids.
 */
export interface DevUser {
  readonly email: string
  readonly userId: string
  readonly accessToken: string
  readonly personalSpaceId: string
}

const postJson = async (url: string, body: unknown, token?: string) => {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` })
    },
    body: JSON.stringify(body)
  })
  const json: unknown = await response.json()
  if (!response.ok) throw new Error(`${url} -> ${response.status} ${JSON.stringify(json)}`)
  return json as Record<string, unknown>
}

export const registerUser = async (
  authUrl: string,
  options: { email?: string; zeroKnowledge?: boolean } = {}
): Promise<DevUser> => {
  const email = options.email ?? `user-${crypto.randomUUID().slice(0, 8)}@mana.test`
  const password = "correct-horse-battery"
  await postJson(`${authUrl}/api/v1/auth/register`, { email, password, zeroKnowledge: options.zeroKnowledge ?? false })
  return loginUser(authUrl, email, password)
}

export const loginUser = async (authUrl: string, email: string, password: string): Promise<DevUser> => {
  const login = await postJson(`${authUrl}/api/v1/auth/login`, { email, password })
  const accessToken = String(login["accessToken"])
  const user = login["user"] as { id: string }
  const spaces = (await (await fetch(`${authUrl}/api/auth/organization/list`, {
    headers: { authorization: `Bearer ${accessToken}` }
  })).json()) as Array<{ id: string; metadata: unknown }>
  const personal = spaces.find((space) => JSON.stringify(space.metadata).includes("personal"))
  if (personal === undefined) throw new Error(`no personal space for ${email}`)
  return { email, userId: user.id, accessToken, personalSpaceId: personal.id }
}

export const createSpace = async (authUrl: string, user: DevUser, name: string): Promise<string> => {
  const created = await postJson(`${authUrl}/api/auth/organization/create`, { name, type: "team" }, user.accessToken)
  return String(created["id"])
}
