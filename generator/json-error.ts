/**
 * Locating a JSON syntax error. Node 20's `JSON.parse` messages often lack a position, and a
 * user fixing a hand-edited schema needs line and column.
 * @module
 */

/** Where parsing failed and why. */
export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/**
 * Scans `text` as JSON (RFC 8259) and reports the first syntax error, or `undefined` if the
 * text is valid. Iterative, so deeply nested input cannot overflow the stack.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (message: string): JsonSyntaxError => {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    return { line, column: i - before.lastIndexOf("\n"), message };
  };
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const describe = (): string => (i >= text.length ? "unexpected end of input" : `unexpected ${JSON.stringify(text.charAt(i))}`);
  // Stack of open containers: "[" or "{"; `expect` says what may come next.
  const stack: string[] = [];
  let expect: "value" | "key" | "after" = "value";
  for (;;) {
    ws();
    if (expect === "value") {
      const c = text.charAt(i);
      if (c === "{" || c === "[") {
        stack.push(c);
        i++;
        ws();
        const close = c === "{" ? "}" : "]";
        if (text.charAt(i) === close) {
          stack.pop();
          i++;
          expect = "after";
        } else expect = c === "{" ? "key" : "value";
        continue;
      }
      if (c === '"') {
        const error = scanString();
        if (error) return fail(error);
      } else if (/[-0-9]/.test(c)) {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!m || m[0] === "-") return fail("invalid number");
        i += m[0].length;
      } else {
        const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
        if (!word) return fail(describe());
        i += word.length;
      }
      expect = "after";
    } else if (expect === "key") {
      if (text.charAt(i) !== '"') return fail(`${describe()}, expected a string key`);
      const error = scanString();
      if (error) return fail(error);
      ws();
      if (text.charAt(i) !== ":") return fail(`${describe()}, expected ":"`);
      i++;
      expect = "value";
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i >= text.length ? undefined : fail(`${describe()} after the end of the JSON value`);
      const c = text.charAt(i);
      if (c === ",") {
        i++;
        expect = top === "{" ? "key" : "value";
      } else if ((top === "{" && c === "}") || (top === "[" && c === "]")) {
        stack.pop();
        i++;
      } else return fail(`${describe()}, expected "," or "${top === "{" ? "}" : "]"}"`);
    }
  }

  function scanString(): string | undefined {
    i++;
    while (i < text.length) {
      const c = text.charAt(i);
      if (c === '"') {
        i++;
        return undefined;
      }
      if (c === "\\") {
        const e = text.charAt(i + 1);
        if (e === "u" ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : !'"\\/bfnrt'.includes(e) || e === "")
          return "invalid escape in string";
        i += e === "u" ? 6 : 2;
        continue;
      }
      if (c < " ") return "control character in string";
      i++;
    }
    return "unterminated string";
  }
}
