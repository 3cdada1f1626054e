/**
 * Runs a full garbage collection now, on Bun (`Bun.gc(true)`: JavaScriptCore collects, mimalloc
 * returns freed pages); elsewhere (the Node test runner) nothing. It blocks the event loop for the
 * collection (~0.1–0.2 s for a heap of ~60 MB on a small machine), so it is for moments when little
 * else is running: after many sessions hibernated in an otherwise idle gateway, which could
 * otherwise allocate too little for the runtime to collect their SDK objects for a long time.
 */
interface BunGlobal {
  readonly Bun?: { readonly gc?: (force: boolean) => void }
}

export const collectGarbage = (): void => {
  const runtime: BunGlobal = globalThis
  runtime.Bun?.gc?.(true)
}
