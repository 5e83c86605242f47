/**
 * `--qemu-arg` for the command-line tools (`qapi-gen`, `qmpkit shell`).
 * @module
 * @internal
 */

/**
 * Rewrites `--qemu-arg VALUE` as `--qemu-arg=VALUE`: QEMU's arguments nearly always start
 * with `-`, which a CLI parser would otherwise read as a flag of its own (`--qemu-arg -S`).
 */
export function joinQemuArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = argv[i + 1];
    if (arg === "--qemu-arg" && value !== undefined) {
      out.push(`--qemu-arg=${value}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
