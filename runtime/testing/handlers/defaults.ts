/**
 * The commands the fake server answers out of the box, behaving like QEMU 7.2 on an idle
 * machine: run state with STOP/RESUME events, version, command list, negotiation, quit,
 * and the fd-passing commands.
 * @module
 */

import { QmpTestError } from "../errors.js";
import type { Handler } from "../types.js";
import { expectArgs } from "./args.js";
import { fdHandlers } from "./fds.js";

const qmpCapabilities: Handler = (args, ctx) => {
  const { server } = ctx;
  if (server.greeting === false) {
    // No greeting means a qemu-ga style server, which has no such command.
    throw new QmpTestError("CommandNotFound", "The command qmp_capabilities has not been found");
  }
  if (ctx.negotiated) {
    throw new QmpTestError("CommandNotFound", "Capabilities negotiation is already complete, command ignored");
  }
  expectArgs(args, ["enable"]);
  const enable = args["enable"];
  if (enable === undefined) return {};
  if (!Array.isArray(enable)) throw new QmpTestError("GenericError", "Invalid parameter type for 'enable', expected: array");
  const offered = server.greeting.QMP.capabilities;
  for (const [i, cap] of enable.entries()) {
    if (typeof cap !== "string") {
      throw new QmpTestError("GenericError", `Invalid parameter type for 'enable[${i}]', expected: string`);
    }
    if (cap === "oob" && !offered.includes(cap)) throw new QmpTestError("GenericError", "Capability 'oob' not available");
    // QEMU 7.2 really names the parameter 'null' here.
    if (!offered.includes(cap)) throw new QmpTestError("GenericError", `Parameter 'null' does not accept value '${cap}'`);
  }
  return {};
};

/**
 * Creates the default handlers. Run state lives on the server (`server.status`), so
 * `stop`/`cont` are seen by `query-status` on every connection.
 */
export function defaultHandlers(): Record<string, Handler> {
  return {
    qmp_capabilities: qmpCapabilities,
    "query-status": (args, { server }) => {
      expectArgs(args);
      return {
        status: server.status,
        singlestep: false,
        running: server.status === "running",
      };
    },
    stop: (args, ctx) => {
      expectArgs(args);
      // Like QEMU: the event goes out before the reply, and only on an actual change.
      if (ctx.server.status === "running") {
        ctx.server.status = "paused";
        ctx.emit("STOP");
      }
      return {};
    },
    cont: (args, ctx) => {
      expectArgs(args);
      if (ctx.server.status !== "running") {
        ctx.server.status = "running";
        ctx.emit("RESUME");
      }
      return {};
    },
    system_powerdown: (args, ctx) => {
      expectArgs(args);
      ctx.emit("POWERDOWN");
      return {};
    },
    "query-version": (args, { server }) => {
      expectArgs(args);
      return server.version;
    },
    "query-commands": (args, { server }) => {
      expectArgs(args);
      return server.commandNames().map((name) => ({ name }));
    },
    quit: (args, ctx) => {
      expectArgs(args);
      // QEMU announces the shutdown before the return, then the connection ends.
      ctx.emit("SHUTDOWN", { guest: false, reason: "host-qmp-quit" });
      ctx.afterReply(() => ctx.end());
      return {};
    },
    ...fdHandlers(),
  };
}
