/** A real `redis-server` per test file, on a free loopback port (see scripts/redisServer.ts). */
export { type RedisServer, startRedisServer } from "../../scripts/redisServer.ts"
