// Reports how the installed package says fd passing is unavailable (QMPKIT_FD_PASSING=off, or no addon).
import process from "node:process";
import { StateError, fdPassingAvailable, launchQemu } from "qmpkit";

const vm = await launchQemu();
try {
  await vm.qmp.getfd("packed0", 0);
  process.stdout.write(JSON.stringify({ available: fdPassingAvailable(), error: null }));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stdout.write(JSON.stringify({ available: fdPassingAvailable(), stateError: error instanceof StateError, message }));
} finally {
  await vm.shutdown();
}
