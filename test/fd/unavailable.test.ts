// When the native part is missing, failed to build or is turned off: qmpkit imports fine
// and the fd APIs throw a StateError that says how to enable them.
import { afterEach, describe, expect, it, vi } from "vitest";
import { StateError } from "../../runtime/errors.js";
import * as fd from "../../runtime/fd/index.js";
import * as native from "../../runtime/fd/native.js";

const missing = () => {
  throw Object.assign(new Error("Cannot find module 'qmpkit-fd-passing'"), { code: "MODULE_NOT_FOUND" });
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
    expect(error.message).toContain('"qmpkit-fd-passing" is not installed');
    expect(error.message).toContain("npm install-scripts approve qmpkit-fd-passing");
    expect(error.message).toContain("npm rebuild qmpkit-fd-passing");
    expect(error.message).toContain("`npm install`");
    expect((error.cause as { code?: string }).code).toBe("MODULE_NOT_FOUND");
    await expect(fd.connectFdSocket("/nonexistent.sock")).rejects.toBe(error);
    await expect(fd.listenFdServer("/nonexistent.sock", () => {})).rejects.toBe(error);
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
