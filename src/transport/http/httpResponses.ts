/**
 * Plain web `Response` constructors for the gateway's own HTTP answers (errors, health), so
 * every refusal has the same JSON shape: `{ error, message }` plus optional details. Pure.
 */
export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers }
  })

export const errorResponse = (
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {}
): Response => jsonResponse(status, { error, message, ...extra }, headers)
