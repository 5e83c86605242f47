/** Unit-test helpers: a client connected to a fake server over an in-memory pair. */
import { QmpClient, type QmpClientOptions, type QmpLogger } from "../../runtime/index.js";
import { QmpTestServer, type QmpTestServerOptions } from "../../runtime/testing/index.js";

/** A connected client/server pair; dispose closes both. */
export async function connectedPair(
  serverOptions: QmpTestServerOptions = {},
  clientOptions: QmpClientOptions = {},
): Promise<{ server: QmpTestServer; qmp: QmpClient } & AsyncDisposable> {
  const server = new QmpTestServer(serverOptions);
  const qmp = new QmpClient(clientOptions);
  await qmp.connect(server.connectPair(), { timeout: 2000 });
  return {
    server,
    qmp,
    [Symbol.asyncDispose]: async () => {
      await qmp.disconnect();
      await server.close();
    },
  };
}

/** A logger that records warnings (and debug lines) for assertions. */
export function recordingLogger(): QmpLogger & { warnings: string[]; debugs: string[] } {
  const warnings: string[] = [];
  const debugs: string[] = [];
  return { warnings, debugs, warn: (m) => warnings.push(m), debug: (m) => debugs.push(m) };
}
