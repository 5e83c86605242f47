// QMP over TLS to a real QEMU (tls-creds-x509 on a socket chardev).
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ConnectError, QmpClient } from "../../runtime/index.js";
import { QEMU, connectWhenListening, describeWith, freePort, spawnQemu, tempDir } from "../helpers/qemu.js";

const hasOpenssl = spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;

/** A CA and a server certificate for localhost, in the file names QEMU expects. */
function makeCredentials(dir: string): void {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  run(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca-key.pem",
    "-out",
    "ca-cert.pem",
    "-subj",
    "/CN=qmpkit test CA",
    "-days",
    "1",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  );
  run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr", "-subj", "/CN=localhost");
  writeFileSync(
    join(dir, "ext.cnf"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  run(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca-cert.pem",
    "-CAkey",
    "ca-key.pem",
    "-CAcreateserial",
    "-out",
    "server-cert.pem",
    "-days",
    "1",
    "-extfile",
    "ext.cnf",
  );
}

describeWith(QEMU)("real QEMU over TLS", () => {
  it.skipIf(!hasOpenssl)("negotiates and executes (one TLS record per byte works around QEMU 7.2's TLS monitor)", async () => {
    using dir = tempDir();
    makeCredentials(dir.path);
    const port = await freePort();
    const child = spawnQemu([
      "-object",
      `tls-creds-x509,id=tls0,dir=${dir.path},endpoint=server,verify-peer=off`,
      "-chardev",
      `socket,id=mon0,host=127.0.0.1,port=${port},server=on,wait=off,tls-creds=tls0`,
      "-mon",
      "chardev=mon0,mode=control",
    ]);
    const target = { host: "127.0.0.1", port, tls: { ca: readFileSync(join(dir.path, "ca-cert.pem")), servername: "localhost" } };
    try {
      const qmp = new QmpClient();
      await connectWhenListening(qmp, target);
      expect(qmp.transport).toBe("tls");
      expect(qmp.oobEnabled).toBe(true);
      const results = await Promise.all([qmp.execute("query-status"), qmp.execute("query-version"), qmp.execute("query-status")]);
      expect(results[0]).toMatchObject({ running: true });
      await qmp.disconnect();

      // Without the workaround QEMU 7.2 never answers qmp_capabilities.
      const plain = await new QmpClient({ tlsByteRecords: false }).connect(target, { timeout: 1000 }).catch((e: unknown) => e);
      expect(plain).toBeInstanceOf(ConnectError);
      expect((plain as ConnectError).cause).toMatchObject({ name: "TimeoutError" });
    } finally {
      child.kill("SIGKILL");
    }
  });
});
