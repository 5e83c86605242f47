/**
 * Default handlers of the fd-passing commands, behaving like QEMU 7.2: `getfd`, `closefd`,
 * `add-fd`, `remove-fd`, `query-fdsets`. Fds arrive only on connections accepted by
 * `listen({ path })` with fd passing available; elsewhere `getfd`/`add-fd` fail as QEMU
 * does without fds.
 * @module
 */

import { QmpTestError } from "../errors.js";
import { closeFd, fdStateOf } from "../fds.js";
import type { Handler, HandlerContext } from "../types.js";
import { expectArgs, intArg, stringArg } from "./args.js";

/** Takes the fd an fd-taking command needs, or fails like QEMU. */
function requireFd(ctx: HandlerContext): number {
  const fd = ctx.takeFd();
  if (fd === undefined) throw new QmpTestError("GenericError", "No file descriptor supplied via SCM_RIGHTS");
  return fd;
}

const getfd: Handler = (args, ctx) => {
  const fdname = stringArg(args, "fdname", true) ?? "";
  expectArgs(args, ["fdname"]);
  // Arguments are checked before the fd is taken, so a bad request leaves it pending (as in
  // QEMU); from here on the fd is consumed even when the command fails.
  const fd = requireFd(ctx);
  if (/^[0-9]/.test(fdname)) {
    closeFd(fd);
    throw new QmpTestError("GenericError", "Parameter 'fdname' expects a name not starting with a digit");
  }
  fdStateOf(ctx).connection.name(fdname, fd);
  return {};
};

const closefd: Handler = (args, ctx) => {
  const fdname = stringArg(args, "fdname", true) ?? "";
  expectArgs(args, ["fdname"]);
  if (!fdStateOf(ctx).connection.unname(fdname))
    throw new QmpTestError("GenericError", `File descriptor named '${fdname}' not found`);
  return {};
};

const addFd: Handler = (args, ctx) => {
  const fdsetId = intArg(args, "fdset-id", false);
  const opaque = stringArg(args, "opaque", false);
  expectArgs(args, ["fdset-id", "opaque"]);
  return fdStateOf(ctx).fdsets.add(requireFd(ctx), fdsetId, opaque);
};

const removeFd: Handler = (args, ctx) => {
  const fdsetId = intArg(args, "fdset-id", true) ?? 0;
  const fd = intArg(args, "fd", false);
  expectArgs(args, ["fdset-id", "fd"]);
  fdStateOf(ctx).fdsets.remove(fdsetId, fd);
  return {};
};

const queryFdsets: Handler = (args, ctx) => {
  expectArgs(args);
  return fdStateOf(ctx).fdsets.query();
};

/**
 * The fd-passing handlers. Named fds (`getfd`) belong to the connection and are closed
 * with it; fdsets belong to the server, and like QEMU's they are freed once no connection
 * is left (QEMU frees unused fdsets when its last monitor client disconnects).
 */
export function fdHandlers(): Record<string, Handler> {
  return {
    getfd,
    closefd,
    "add-fd": addFd,
    "remove-fd": removeFd,
    "query-fdsets": queryFdsets,
  };
}
