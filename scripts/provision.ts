/**
 * Makes sure the system programs the tests need are installed before any test starts (the first
 * step of `npm test`): Debian's `redis-server` and `chromium` (see test/harness/systemBinaries.ts
 * for why not an npm package). Installs what is missing with apt-get when running as root or with
 * passwordless sudo; otherwise prints the one command to run and exits 1. Installing a package
 * must not leave a daemon running: the Debian redis-server package starts a system service, so a
 * policy-rc.d that forbids service starts is in place for the duration of the install.
 */
import { spawnSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"
import { systemBinaries } from "../test/harness/systemBinaries.ts"

const say = (line: string) => console.log(`[provision] ${line}`)

const missing = systemBinaries.filter((binary) => binary.locate() === undefined)
if (missing.length === 0) {
  say(`found ${systemBinaries.map((binary) => `${binary.name} (${binary.locate()})`).join(", ")}`)
  process.exit(0)
}

const packages = missing.map((binary) => binary.debianPackage)
const installLine = `sudo apt-get install -y ${packages.join(" ")}`
const isRoot = process.getuid?.() === 0
const hasSudo = !isRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0
const hasApt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0
if (!hasApt || (!isRoot && !hasSudo)) {
  console.error(`[provision] the tests need ${packages.join(" and ")}, which are not installed: run \`${installLine}\``)
  process.exit(1)
}

const run = (command: Array<string>) => {
  const [program, ...args] = isRoot ? command : ["sudo", "-n", ...command]
  say(`${[program, ...args].join(" ")}`)
  const result = spawnSync(program!, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  })
  if (result.status !== 0) {
    console.error(
      `[provision] failed (${String(result.status ?? result.error)}): install ${
        packages.join(" ")
      } by hand: ${installLine}`
    )
    process.exit(1)
  }
}

say(`installing ${packages.join(", ")} from Debian's packages (missing; about a minute)`)
const policy = "/usr/sbin/policy-rc.d"
const ownPolicy = !existsSync(policy)
// Exit code 101 means "action forbidden": the package installs without starting its service.
if (ownPolicy) run(["sh", "-c", `printf '#!/bin/sh\\nexit 101\\n' > ${policy} && chmod +x ${policy}`])
try {
  run(["apt-get", "update", "-qq"])
  run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages])
} finally {
  if (ownPolicy) {
    if (isRoot) rmSync(policy, { force: true })
    else run(["rm", "-f", policy])
  }
}
const stillMissing = systemBinaries.filter((binary) => binary.locate() === undefined)
if (stillMissing.length > 0) {
  console.error(`[provision] still missing after the install: ${stillMissing.map((binary) => binary.name).join(", ")}`)
  process.exit(1)
}
say(`installed: ${systemBinaries.map((binary) => `${binary.name} (${binary.locate()})`).join(", ")}`)
