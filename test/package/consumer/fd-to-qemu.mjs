// Passes fds to a real QEMU through the installed package (getfd, add-fd), checks that QEMU holds
// them, and reports which addon file this process loaded (from /proc/self/maps).
import { readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import process from "node:process";
import { fdPassingAvailable, launchQemu } from "qmpkit";

const [file] = process.argv.slice(2);
const vm = await launchQemu();
try {
  const handle = await open(file, "w+");
  try {
    await vm.qmp.getfd("packed0", handle);
    const added = await vm.qmp.addFd(handle, { opaque: "packed-install" });
    const fdsets = await vm.qmp.execute("query-fdsets");
    await vm.qmp.closefd("packed0");
    const addon = readFileSync("/proc/self/maps", "utf8")
      .split("\n")
      .filter((line) => line.endsWith("qmpkit_fd_passing.node"))
      .map((line) => line.slice(line.indexOf("/")));
    process.stdout.write(JSON.stringify({ available: fdPassingAvailable(), added, fdsets, addon: [...new Set(addon)] }));
  } finally {
    await handle.close();
  }
} finally {
  await vm.shutdown();
}
