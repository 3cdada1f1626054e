/**
 * Response-body tracking: a GET stream keeps its session from hibernating for as long as the
 * client holds it, so the stream's end (read to the end, or the client gone) must be observed.
 */

/** `response` with a body that calls `onEnd` once, when the client has read it all or gone away. */
export const onBodyEnd = (response: Response, onEnd: () => void): Response => {
  const body = response.body
  if (body === null) {
    onEnd()
    return response
  }
  let ended = false
  const end = () => {
    if (!ended) {
      ended = true
      onEnd()
    }
  }
  const reader = body.getReader()
  const tracked = new ReadableStream<Uint8Array>({
    pull: (controller) =>
      reader.read().then(
        ({ done, value }) => {
          if (done) {
            end()
            controller.close()
          } else controller.enqueue(value)
        },
        (error: unknown) => {
          end()
          controller.error(error)
        }
      ),
    cancel: (reason) => {
      end()
      return reader.cancel(reason)
    }
  })
  return new Response(tracked, { status: response.status, statusText: response.statusText, headers: response.headers })
}
