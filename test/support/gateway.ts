/**
 * End-to-end tests start the real `npm start` entry through the shared spawner (local mode, all
 * ports 0, a fresh data dir) and talk to it over real HTTP only.
 */
export { type Gateway, type ReadyInfo, startGateway } from "../harness/gatewayProcess.ts"
