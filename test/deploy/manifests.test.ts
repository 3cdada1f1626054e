/**
 * Every deployment file parses, and the fields that must agree with the gateway do: the port it
 * listens on, the health path it serves (asked of the real router), every environment variable
 * name (checked against the names the configuration actually reads), and shutdown timing that
 * covers SHUTDOWN_GRACE.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, ConfigProviderPathPatch, Duration, Effect, Either, HashSet, Layer } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { parse } from "yaml"
import { manaConfig } from "../../src/config/Config.ts"
import { duration } from "../../src/config/settings.ts"
import { httpGet, startInProcessGateway } from "../support/inProcessGateway.ts"

const deploy = join(import.meta.dirname, "..", "..", "deploy")
const read = (path: string): any => parse(readFileSync(join(deploy, path), "utf8"))
const k8s = readdirSync(join(deploy, "k8s")).filter((file) => file.endsWith(".yaml"))
const manifest = (kind: string) => k8s.map((file) => read(`k8s/${file}`)).find((document) => document.kind === kind)

/** Every environment variable the gateway's configuration reads, by running it against a recording provider. */
const namesTheGatewayReads = Effect.gen(function*() {
  const names = new Set<string>()
  const recording = ConfigProvider.fromFlat(ConfigProvider.makeFlat({
    load: (path) => {
      names.add(path.join("_"))
      return Effect.fail(ConfigError.MissingData([...path], "unset"))
    },
    enumerateChildren: () => Effect.succeed(HashSet.empty()),
    patch: ConfigProviderPathPatch.empty
  }))
  yield* Effect.either(Effect.withConfigProvider(manaConfig, recording))
  return names
})

/** The gateway's default settings (no environment at all). */
const defaults = Effect.withConfigProvider(Effect.orDie(manaConfig), ConfigProvider.fromMap(new Map()))

const seconds = (raw: string) =>
  Either.match(duration(raw), { onLeft: () => Number.NaN, onRight: (d) => Duration.toSeconds(d) })

describe("deployment manifests", () => {
  it("every file parses", () => {
    for (const file of k8s) assert.isObject(read(`k8s/${file}`), file)
    for (const file of ["docker-compose.yml", "prometheus/prometheus.yml"]) assert.isObject(read(file), file)
    assert.deepStrictEqual(
      new Set(k8s.map((file) => read(`k8s/${file}`).kind)),
      new Set(["ConfigMap", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"])
    )
  })

  it.effect("environment variable names are ones the gateway reads", () =>
    Effect.gen(function*() {
      const known = yield* namesTheGatewayReads
      assert.isTrue(known.has("STATE_STORE") && known.has("REDIS_URL") && known.has("SHUTDOWN_GRACE"))
      const container = manifest("Deployment").spec.template.spec.containers[0]
      const compose = read("docker-compose.yml")
      const used = [
        ...Object.keys(manifest("ConfigMap").data),
        ...Object.keys(manifest("Secret").stringData),
        ...container.env.map((variable: { name: string }) => variable.name),
        ...Object.keys(compose["x-gateway"].environment),
        ...Object.keys(compose.services["dev-upstreams"].environment)
      ]
      for (const name of used) assert.isTrue(known.has(name), `${name} is not a gateway setting`)
      for (const variable of container.env) {
        assert.strictEqual(variable.valueFrom.secretKeyRef.name, manifest("Secret").metadata.name)
      }
    }))

  it.effect("ports agree with the gateway's PORT everywhere", () =>
    Effect.gen(function*() {
      const { port } = yield* defaults
      const configured = Number(manifest("ConfigMap").data.PORT)
      assert.strictEqual(configured, port)
      const container = manifest("Deployment").spec.template.spec.containers[0]
      assert.strictEqual(container.ports[0].containerPort, port)
      assert.strictEqual(manifest("Service").spec.ports[0].targetPort, container.ports[0].name)
      const compose = read("docker-compose.yml")
      assert.strictEqual(Number(compose["x-gateway"].environment.PORT), port)
      assert.include(compose["x-gateway"].healthcheck.test.join(" "), `127.0.0.1:${port}/health`)
      const targets: Array<string> = read("prometheus/prometheus.yml").scrape_configs[0].static_configs[0].targets
      assert.deepStrictEqual(targets, ["gateway-1", "gateway-2"].map((host) => `${host}:${port}`))
      const nginx = readFileSync(join(deploy, "nginx.conf"), "utf8")
      assert.include(nginx, `gateway-1:${port}`)
      assert.include(nginx, `gateway-2:${port}`)
    }))

  it.scoped("readiness and liveness probe a path the gateway answers 200 on", () =>
    Effect.gen(function*() {
      const container = manifest("Deployment").spec.template.spec.containers[0]
      const paths = [container.readinessProbe.httpGet.path, container.livenessProbe.httpGet.path]
      const gateway = yield* startInProcessGateway()
      for (const path of paths) {
        const response = yield* gateway.http(httpGet(path))
        assert.strictEqual(response.status, 200, path)
        assert.strictEqual((yield* Effect.promise(() => response.json())).status, "ok")
      }
      assert.strictEqual(container.readinessProbe.httpGet.port, container.ports[0].name)
    }).pipe(Effect.provide(Layer.empty)))

  it("SIGTERM drain timing covers SHUTDOWN_GRACE", () => {
    const grace = seconds(manifest("ConfigMap").data.SHUTDOWN_GRACE)
    const spec = manifest("Deployment").spec.template.spec
    const preStop = Number(spec.containers[0].lifecycle.preStop.exec.command.at(-1))
    // preStop, then the drain (SHUTDOWN_GRACE), then closing sessions and servers.
    assert.isAtLeast(spec.terminationGracePeriodSeconds, preStop + grace + 2)
    // Liveness must not kill a pod that is draining (503) before its grace ends.
    const liveness = spec.containers[0].livenessProbe
    assert.isAbove(liveness.periodSeconds * liveness.failureThreshold, grace)
    const compose = read("docker-compose.yml")
    assert.strictEqual(seconds(compose["x-gateway"].environment.SHUTDOWN_GRACE), grace)
    assert.isAtLeast(seconds(compose["x-gateway"].stop_grace_period), grace + 2)
    assert.strictEqual(
      manifest("HorizontalPodAutoscaler").spec.scaleTargetRef.name,
      manifest("Deployment").metadata.name
    )
    assert.isAtLeast(manifest("HorizontalPodAutoscaler").spec.minReplicas, 2)
    assert.strictEqual(manifest("PodDisruptionBudget").spec.minAvailable, 1)
  })
})
