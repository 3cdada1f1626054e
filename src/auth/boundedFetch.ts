/**
 * A WHATWG `fetch` whose answers cannot be larger than a bound: a larger `Content-Length` is
 * refused before the body is read, and the bytes are counted while the body streams, so a body
 * that grows past the bound errors there instead of being buffered whole. For the documents the
 * gateway fetches from mana-auth by itself (the JWKS, introspection answers), which are a few
 * kilobytes. Time is the caller's: jose and the introspection call pass an abort signal with
 * their deadline, and it ends the body read too.
 */

type WebFetch = (url: string | URL, init?: RequestInit) => Promise<Response>

class BodyTooLarge extends Error {
  override readonly name = "BodyTooLarge"
}

/** `body`, erroring with `BodyTooLarge` once more than `maxBytes` came through. */
const limited = (body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> => {
  const reader = body.getReader()
  let received = 0
  return new ReadableStream<Uint8Array>({
    pull: (controller) =>
      reader.read().then(({ done, value }) => {
        if (done) return controller.close()
        received += value.byteLength
        if (received <= maxBytes) return controller.enqueue(value)
        controller.error(new BodyTooLarge(`the answer is larger than ${maxBytes} bytes`))
        return reader.cancel()
      }),
    cancel: (reason) => reader.cancel(reason)
  })
}

/** A body that errors at once: the declared length is already over the bound. */
const refused = (maxBytes: number) =>
  new ReadableStream<Uint8Array>({
    start: (controller) => controller.error(new BodyTooLarge(`the answer declares more than ${maxBytes} bytes`))
  })

export const boundedFetch = (webFetch: WebFetch, maxBytes: number): WebFetch => (url, init) =>
  webFetch(url, init).then((response) => {
    if (response.body === null) return response
    const declared = Number(response.headers.get("content-length") ?? "0")
    if (declared > maxBytes) void response.body.cancel()
    const body = declared > maxBytes ? refused(maxBytes) : limited(response.body, maxBytes)
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
  })
