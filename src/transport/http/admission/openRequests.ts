/**
 * Connection caps (issue #28, finding 6): requests open at once, per client address and in total.
 * Each open request holds a connection (a stalled upload held one, and a file descriptor, for as
 * long as the client liked), so bounding them bounds sockets; idle keep-alive connections are
 * closed by the server's idle timeout and unfinished headers by Bun's own header deadline. A
 * request beyond a cap is answered at once (429 per client, 503 in total) and its connection
 * closed, without reading its body. The address is the TCP peer's: behind a reverse proxy all
 * clients share the proxy's, so MAX_CONNECTIONS_PER_CLIENT must then be sized for the proxy.
 */
import type { AdmissionSettings } from "../../../config/admission.ts"
import { TooManyOpenRequests } from "../HttpFailure.ts"

export interface OpenRequests {
  /** Counts a request as open, or the refusal to send instead (nothing counted then). */
  readonly open: (address: string) => TooManyOpenRequests | undefined
  readonly close: (address: string) => void
  readonly openCount: () => number
}

export const makeOpenRequests = (
  settings: Pick<AdmissionSettings, "maxConnections" | "maxConnectionsPerClient">,
  refused: () => void,
  changed: (open: number) => void
): OpenRequests => {
  const byAddress = new Map<string, number>()
  let total = 0
  const open = (address: string) => {
    const mine = byAddress.get(address) ?? 0
    if (mine >= settings.maxConnectionsPerClient) {
      refused()
      return new TooManyOpenRequests({ scope: "client", open: mine })
    }
    if (total >= settings.maxConnections) {
      refused()
      return new TooManyOpenRequests({ scope: "total", open: total })
    }
    byAddress.set(address, mine + 1)
    changed(++total)
    return undefined
  }
  const close = (address: string) => {
    const mine = byAddress.get(address) ?? 0
    if (mine <= 1) byAddress.delete(address)
    else byAddress.set(address, mine - 1)
    if (total > 0) changed(--total)
  }
  return { open, close, openCount: () => total }
}
