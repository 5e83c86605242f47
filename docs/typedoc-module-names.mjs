// TypeDoc plugin: names each documented module after its import specifier (`qmpkit/testing`)
// instead of its source path (`runtime/testing`), so the reference reads like user code.
import { Converter, ReflectionKind } from "typedoc";

const NAMES = {
  runtime: "qmpkit",
  "runtime/testing": "qmpkit/testing",
  "generated/qemu": "qmpkit/qemu",
};

export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const name = NAMES[module.name];
      if (name === undefined) app.logger.warn(`docs: no import specifier for module ${module.name}`);
      else module.name = name;
    }
  });
}
