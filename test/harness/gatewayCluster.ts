/**
 * Several real gateway instances (`npm start`) on one Redis behind a round-robin proxy, the way
 * they run behind a load balancer: one more gateway in local mode provides the dev mana-auth and
 * mana-sync every instance uses as its upstreams (so stopping an instance does not stop them),
 * and a throw-away `redis-server` holds the shared state. For the scale-out end-to-end tests and
 * the benchmarks.
 */
import { randomBytes } from "node:crypto"
import { type Gateway, startGateway } from "./gatewayProcess.ts"
import { type RedisServer, startRedisServer } from "./redisServer.ts"
import { type RoundRobinProxy, startRoundRobinProxy } from "./roundRobinProxy.ts"

export interface GatewayCluster {
  readonly redis: RedisServer
  /** The local-mode gateway whose dev stand-ins are everyone's upstreams (not behind the proxy). */
  readonly upstream: Gateway
  readonly instances: ReadonlyArray<Gateway>
  readonly proxy: RoundRobinProxy
  /** `${proxy.url}/mcp` */
  readonly mcpUrl: string
  readonly stop: () => Promise<void>
}

export const startGatewayCluster = async (
  options: { readonly instances?: number; readonly env?: Record<string, string>; readonly persistentRedis?: boolean } =
    {}
): Promise<GatewayCluster> => {
  const redis = await startRedisServer({ persistent: options.persistentRedis ?? false })
  const upstream = await startGateway()
  const env = {
    MANA_AUTH_URL: upstream.authUrl,
    MANA_SYNC_URL: upstream.syncUrl,
    STATE_STORE: "redis",
    REDIS_URL: redis.url,
    STATE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    ...options.env
  }
  const instances = await Promise.all(Array.from({ length: options.instances ?? 2 }, () => startGateway(env)))
  const proxy = await startRoundRobinProxy(instances.map((instance) => instance.baseUrl))
  return {
    redis,
    upstream,
    instances,
    proxy,
    mcpUrl: `${proxy.url}/mcp`,
    stop: async () => {
      await proxy.close()
      await Promise.all(instances.map((instance) => instance.stop()))
      await upstream.stop()
      await redis.stop()
    }
  }
}
