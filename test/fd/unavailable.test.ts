// When the native part is missing, failed to build or is turned off: qmpkit imports fine
// and the fd APIs throw a StateError that says how to enable them.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StateError } from "../../runtime/errors.js";
import * as fd from "../../runtime/fd/index.js";
import * as native from "../../runtime/fd/native.js";

const missing = () => {
  throw Object.assign(new Error("no qmpkit_fd_passing.node"), { code: "MODULE_NOT_FOUND" });
};

describe("fd passing unavailable", () => {
  afterEach(() => {
    delete process.env["QMPKIT_FD_PASSING"];
    native.setFdNativeLoaderForTesting();
  });

  it("throws a StateError saying how to enable it, from every fd API", async () => {
    native.setFdNativeLoaderForTesting(missing);
    expect(fd.fdPassingAvailable()).toBe(false);
    let thrown: unknown;
    try {
      fd.assertFdPassingAvailable();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StateError);
    const error = thrown as StateError;
    expect(error.code).toBe("QMP_STATE");
    expect(error.message).toContain(`there is no addon built for ${process.platform}-${process.arch}`);
    expect(error.message).toContain("`npm explore qmpkit -- npm run build:native`");
    expect((error.cause as { code?: string }).code).toBe("MODULE_NOT_FOUND");
    await expect(fd.connectFdSocket("/nonexistent.sock")).rejects.toBe(error);
    await expect(fd.listenFdServer("/nonexistent.sock", () => {})).rejects.toBe(error);
  });

  it("names the failure when the addon exists but does not load", () => {
    native.setFdNativeLoaderForTesting(() => {
      throw new Error("invalid ELF header");
    });
    expect(() => native.loadFdNative()).toThrow(/the addon failed to load \(invalid ELF header\).*npm run build:native/);
  });

  it("reports a module without the expected exports as unavailable", async () => {
    native.setFdNativeLoaderForTesting(() => ({ connect: () => 3 }));
    expect(() => native.loadFdNative()).toThrow(/does not have the expected exports/);
  });

  it("can be turned off with QMPKIT_FD_PASSING=off", async () => {
    process.env["QMPKIT_FD_PASSING"] = "off";
    native.setFdNativeLoaderForTesting();
    expect(native.fdPassingAvailable()).toBe(false);
    expect(() => native.loadFdNative()).toThrow(StateError);
    expect(() => native.loadFdNative()).toThrow(/QMPKIT_FD_PASSING=off/);
    delete process.env["QMPKIT_FD_PASSING"];
    native.setFdNativeLoaderForTesting();
    expect(native.fdPassingAvailable()).toBe(true);
  });

  it("importing the fd module does not load the native part", async () => {
    vi.resetModules();
    const freshNative = await import("../../runtime/fd/native.js");
    const loader = vi.fn(missing);
    freshNative.setFdNativeLoaderForTesting(loader);
    const freshFd = await import("../../runtime/fd/index.js");
    expect(typeof freshFd.connectFdSocket).toBe("function");
    expect(loader).not.toHaveBeenCalled();
    expect(freshFd.fdPassingAvailable()).toBe(false);
    expect(loader).toHaveBeenCalledTimes(1);
    freshNative.setFdNativeLoaderForTesting();
    vi.resetModules();
  });
});

describe("finding the addon", () => {
  const built = native.addonCandidates().find((file) => existsSync(file));

  it("tries a source build before the shipped binary for this platform", () => {
    expect(native.addonCandidates("/pkg")).toEqual([
      "/pkg/native/fd-passing/build/Release/qmpkit_fd_passing.node",
      `/pkg/prebuilds/${process.platform}-${process.arch}/qmpkit_fd_passing.node`,
    ]);
  });

  it("skips missing files, falls back past one that does not load, and says when none exists", () => {
    const dir = mkdtempSync(join(tmpdir(), "qmpkit-addon-"));
    try {
      const broken = join(dir, "broken.node");
      writeFileSync(broken, "not an ELF file");
      const absent = join(dir, "absent.node");
      expect(() => native.loadAddonFrom([absent])).toThrow(expect.objectContaining({ code: "MODULE_NOT_FOUND" }));
      expect(() => native.loadAddonFrom([absent, broken])).toThrow(/broken\.node/);
      expect(built, "npm run build:native (run by npm ci) builds the addon").toBeDefined();
      const addon = native.loadAddonFrom([absent, broken, built as string]) as Record<string, unknown>;
      expect(typeof addon["send"]).toBe("function");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
