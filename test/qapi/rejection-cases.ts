/**
 * Invalid schemas and the exact error each must produce: `[name, given, want]`.
 * `given` is the text of `main.json`, or a map of in-memory files.
 * @module
 */

type Given = string | Readonly<Record<string, string>>;

/** A rejection case: name, input, expected `file:line:col: message`. */
export type RejectionCase = readonly [name: string, given: Given, want: string];

const E = "{ 'enum': 'Color', 'data': [ 'red', 'blue' ] }\n";
const S = "{ 'struct': 'Base', 'data': { 'a': 'int' } }\n";
/** A schema of QEMU before 6.0: old pragma names select that era's rules. */
const OLD = "{ 'pragma': { 'returns-whitelist': [] } }\n";

/** Lexical errors. */
export const lexical: RejectionCase[] = [
  ["unterminated string", "{ 'enum': 'Foo }", 'main.json:1:11: missing terminating "\'"'],
  ["string ends at newline", "{ 'enum': 'Foo\n' }", 'main.json:1:11: missing terminating "\'"'],
  ["unknown escape", "{ 'enum': 'F\\n', 'data': [] }", "main.json:1:13: unknown escape \\n"],
  ["tab in string", "{ 'enum': 'F\too', 'data': [] }", "main.json:1:13: non-printable or non-ASCII character U+0009 in string"],
  [
    "non-ASCII in string",
    "{ 'enum': 'Fé', 'data': [] }",
    "main.json:1:13: non-printable or non-ASCII character U+00E9 in string",
  ],
  ["number", "{ 'enum': 'Foo', 'data': 1 }", "main.json:1:26: numbers are not allowed in QAPI schemas"],
  ["negative number", "{ 'enum': 'Foo', 'data': -1 }", "main.json:1:26: numbers are not allowed in QAPI schemas"],
  ["null", "{ 'enum': 'Foo', 'data': null }", "main.json:1:26: 'null' is not allowed in QAPI schemas"],
  ["double quotes", '{ "enum": "Foo" }', "main.json:1:3: strings must be in single quotes"],
  ["stray character", "{ 'enum': 'Foo', 'data': @ }", "main.json:1:26: stray character '@'"],
  ["bare word", "{ 'enum': 'Foo', 'data': yes }", "main.json:1:26: unexpected word 'yes' (only 'true' and 'false' are allowed)"],
  [
    "control character U+001F",
    "{ 'command': 'foo\x1f' }",
    "main.json:1:18: non-printable or non-ASCII character U+001F in string",
  ],
  ["DEL U+007F", "{ 'command': 'foo\x7f' }", "main.json:1:18: non-printable or non-ASCII character U+007F in string"],
];

/** Syntax errors. */
export const syntax: RejectionCase[] = [
  ["trailing comma in object", "{ 'enum': 'Foo', 'data': [], }", "main.json:1:28: trailing comma in object"],
  ["trailing comma in array", "{ 'enum': 'Foo', 'data': [ 'a', ] }", "main.json:1:31: trailing comma in array"],
  ["duplicate key", "{ 'enum': 'Foo', 'data': [], 'data': [] }", "main.json:1:30: duplicate key 'data'"],
  ["missing colon", "{ 'enum' 'Foo' }", "main.json:1:10: expected ':', found a string"],
  ["missing comma", "{ 'enum': 'Foo' 'data': [] }", "main.json:1:17: expected ',' or '}', found a string"],
  ["non-string key", "{ true: 'Foo' }", "main.json:1:3: expected a string key, found 'true'"],
  ["unexpected end of file", "{ 'enum': 'Foo',\n  'data': [ 'a'", "main.json:2:16: expected ',' or ']', found end of file"],
  ["top level array", "[ 'Foo' ]", "main.json:1:1: top-level expression must be an object, found '['"],
  ["top level string", "'Foo'", "main.json:1:1: top-level expression must be an object, found a string"],
  ["value expected", "{ 'enum': }", "main.json:1:11: expected a value, found '}'"],
  ["too deep", `{ 'enum': 'Foo', 'data': ${"[".repeat(70)} }`, "main.json:1:90: nesting deeper than 64 levels"],
];

/** Directives, includes and pragmas. */
export const directives: RejectionCase[] = [
  ["include not a string", "{ 'include': [ 'a.json' ] }", "main.json:1:14: value of 'include' must be a string"],
  ["include with extra key", "{ 'include': 'a.json', 'if': 'X' }", "main.json:1:24: 'include' directive has unknown key 'if'"],
  ["missing include file", "# header\n{ 'include': 'nope.json' }", "main.json:2:14: can't read include file 'nope.json': ENOENT"],
  [
    "missing absolute include file",
    { "sub/main.json": "{ 'include': '/abs/nope.json' }", "/abs/nope2.json": "" },
    "sub/main.json:1:14: can't read include file '/abs/nope.json': ENOENT",
  ],
  [
    "include loop",
    { "main.json": "{ 'include': 'sub/a.json' }", "sub/a.json": "{ 'include': '../main.json' }" },
    "In file included from main.json:1:\nsub/a.json:1:14: inclusion loop: main.json -> sub/a.json -> main.json",
  ],
  ["self include", { "main.json": "\n{ 'include': 'main.json' }" }, "main.json:2:14: inclusion loop: main.json -> main.json"],
  [
    "error in included file",
    { "main.json": "{ 'include': 'a.json' }", "a.json": "\n\n  { 'enum': 'x', 'data': [] }" },
    "In file included from main.json:1:\na.json:3:13: enum 'x' must use CamelCase",
  ],
  [
    "error two includes deep, found after loading",
    {
      "main.json": "# top\n{ 'include': 'sub/a.json' }",
      "sub/a.json": "\n\n{ 'include': 'b.json' }",
      "sub/b.json": "{ 'struct': 'Foo', 'data': { 'a': 'Nope' } }",
    },
    "In file included from main.json:2:\nIn file included from sub/a.json:3:\nsub/b.json:1:35: member 'a' of struct 'Foo' uses unknown type 'Nope'",
  ],
  ["pragma not an object", "{ 'pragma': [ 'doc-required' ] }", "main.json:1:13: value of 'pragma' must be an object"],
  ["unknown pragma", "{ 'pragma': { 'doc-optional': true } }", "main.json:1:15: unknown pragma 'doc-optional'"],
  [
    "doc-required not a bool",
    "{ 'pragma': { 'doc-required': 'yes' } }",
    "main.json:1:31: pragma 'doc-required' must be true or false",
  ],
  [
    "pragma list not a list",
    "{ 'pragma': { 'command-name-exceptions': 'a_b' } }",
    "main.json:1:42: pragma 'command-name-exceptions' must be a list of strings",
  ],
  [
    "pragma list with non-string",
    "{ 'pragma': { 'member-name-exceptions': [ [ 'A' ] ] } }",
    "main.json:1:43: pragma 'member-name-exceptions' must be a list of strings",
  ],
  [
    "pragma with extra key",
    "{ 'pragma': {}, 'include': 'a.json' }",
    "main.json:1:3: 'include' directive has unknown key 'pragma'",
  ],
  [
    "not a definition",
    "{ 'enumeration': 'Foo' }",
    "main.json:1:1: expression is not a definition or directive (expected one of 'enum', 'struct', 'union', 'alternate', 'command', 'event')",
  ],
  [
    "two definition keys",
    "{ 'enum': 'Foo', 'struct': 'Foo', 'data': [] }",
    "main.json:1:1: expression has conflicting keys 'enum' and 'struct'",
  ],
];

const doc = (lines: string, def = E): string => `##\n${lines}\n##\n${def}`;

/** Documentation comment structure. */
export const docs: RejectionCase[] = [
  ["junk after ##", "## oops\n# text\n##\n" + E, "main.json:1:1: junk after '##' at start of documentation comment"],
  ["doc comment not closed", "##\n# text\n" + E, "main.json:1:1: documentation comment must end with '##'"],
  ["missing space after #", "##\n#text\n##\n" + E, "main.json:2:1: missing space after '#' in documentation comment"],
  ["doc at end of file", E + "##\n# @Other:\n##\n", "main.json:2:1: documentation for 'Other' is not followed by its definition"],
  [
    "doc before directive",
    "##\n# @Color:\n##\n{ 'pragma': {} }\n" + E,
    "main.json:1:1: documentation for 'Color' is not followed by its definition",
  ],
  [
    "doc before another doc",
    "##\n# @Color:\n##\n##\n# free\n##\n" + E,
    "main.json:1:1: documentation for 'Color' is not followed by its definition",
  ],
  [
    "doc for another definition",
    doc("# @Colour:"),
    "main.json:1:1: documentation comment is for 'Colour', but the definition that follows is 'Color'",
  ],
  [
    "text after symbol",
    doc("# @Color: the colour"),
    "main.json:2:3: text after '@Color:' in the first line of a documentation comment",
  ],
  ["member documented twice", doc("# @Color:\n#\n# @red: red\n# @red: again"), "main.json:5:3: '@red' is documented twice"],
  [
    "member after section",
    doc("# @Color:\n#\n# Since: 1.0\n#\n# @red: red"),
    "main.json:6:3: description of '@red' must come before tagged sections",
  ],
  [
    "feature description after the feature list ended",
    doc(
      "# @Color:\n#\n# Features:\n#\n# @f: a feature\n#\n# Text.\n#\n# @red: red",
      "{ 'enum': 'Color', 'data': [ 'red' ], 'features': [ 'f' ] }",
    ),
    "main.json:10:3: description of '@red' must come before tagged sections",
  ],
  ["duplicate Features", doc("# @Color:\n#\n# Features:\n#\n# Features:"), "main.json:6:3: duplicate 'Features:' line"],
  ["duplicate Since", doc("# @Color:\n#\n# Since: 1.0\n#\n# Since: 2.0"), "main.json:6:3: duplicate 'Since:' section"],
  ["empty Since", doc("# @Color:\n#\n# Since:"), "main.json:4:3: text required after 'Since:'"],
  [
    "de-indent after an indented continuation",
    doc("# @Color:\n#\n# @red: the colour\n#   of blood\n# and fire"),
    "main.json:6:3: unexpected de-indent: continuation lines of '@red:' must be indented at least 2 spaces",
  ],
  [
    "de-indent in a section",
    doc("# @Color:\n#\n# Since: 1.0,\n#     as a colour\n#   and more"),
    "main.json:6:3: unexpected de-indent: continuation lines of 'Since:' must be indented at least 4 spaces",
  ],
  [
    "symbol line without colon",
    doc("# @Color"),
    "main.json:2:3: the first line '@Color' of a documentation comment must end with ':'",
  ],
  [
    "symbol line without name",
    doc("# @:"),
    "main.json:2:3: name required after '@' in the first line of a documentation comment",
  ],
  [
    "member description in free-form documentation",
    "##\n# Some text\n# @red: not here\n##\n" + E,
    "main.json:3:3: '@red:' is not allowed in free-form documentation",
  ],
  ["empty TODO", doc("# @Color:\n#\n# TODO:"), "main.json:4:3: text required after 'TODO:'"],
  [
    "heading in definition doc",
    doc("# @Color:\n#\n# = Colours"),
    "main.json:4:3: a heading is only allowed in a free-form documentation comment",
  ],
  [
    "documented member missing",
    doc("# @Color:\n#\n# @green: green"),
    "main.json:4:3: documented member '@green' does not exist in enum 'Color'",
  ],
  [
    "documented feature missing",
    doc("# @Color:\n#\n# Features:\n#\n# @deprecated: gone"),
    "main.json:6:3: documented feature '@deprecated' does not exist in enum 'Color'",
  ],
  [
    "Returns on a struct",
    doc("# @Base:\n#\n# Returns: nothing", S),
    "main.json:4:3: 'Returns:' section is only valid for commands, not for struct 'Base'",
  ],
  [
    "Errors on an event",
    doc("# @EV:\n#\n# Errors: never", "{ 'event': 'EV' }"),
    "main.json:4:3: 'Errors:' section is only valid for commands, not for event 'EV'",
  ],
  ["doc required", "{ 'pragma': { 'doc-required': true } }\n" + E, "main.json:2:1: documentation required for 'Color'"],
  [
    "feature without description",
    doc("# @Color:\n#\n# Features:\n# @doc: documented", "{ 'enum': 'Color', 'data': [], 'features': [ 'undoc', 'doc' ] }"),
    "main.json:7:46: feature 'undoc' of enum 'Color' lacks documentation",
  ],
  ["free-form comment before a definition", "##\n# = Colours\n##\n" + E, "main.json:1:1: definition documentation required"],
  [
    "boxed arguments documented with the command",
    S + doc("# @frob:\n# @a: not the command's", "{ 'command': 'frob', 'boxed': true, 'data': 'Base' }"),
    "main.json:4:3: documented member '@a' does not exist in command 'frob'",
  ],
  ["member description without a name", doc("# @Color:\n# @:"), "main.json:3:3: name required after '@'"],
  [
    "member doc required (QEMU 9.1+: the schema declares documentation-exceptions)",
    "{ 'pragma': { 'doc-required': true, 'documentation-exceptions': [] } }\n" + doc("# @Base:", S),
    "main.json:5:31: 'a' of struct 'Base' is not documented",
  ],
  [
    "documented alternate branch missing",
    "##\n# @Alt:\n#\n# @i: a number\n# @s: a string\n##\n{ 'alternate': 'Alt', 'data': { 'i': 'int', 'b': 'bool' } }",
    "main.json:5:3: documented member '@s' does not exist in alternate 'Alt'",
  ],
  [
    "documented event member missing",
    "##\n# @FOO:\n#\n# @a: gone\n##\n{ 'event': 'FOO' }",
    "main.json:4:3: documented member '@a' does not exist in event 'FOO'",
  ],
];

/** Unknown, missing and malformed keys per definition kind. */
export const keys: RejectionCase[] = [
  ["enum with base", "{ 'enum': 'Foo', 'data': [], 'base': 'X' }", "main.json:1:30: enum 'Foo' has unknown key 'base'"],
  ["enum without data", "{ 'enum': 'Foo' }", "main.json:1:1: enum 'Foo' is missing key 'data'"],
  ["enum data not a list", "{ 'enum': 'Foo', 'data': { 'a': 'int' } }", "main.json:1:26: 'data' of enum 'Foo' must be an array"],
  [
    "enum value not a string",
    "{ 'enum': 'Foo', 'data': [ [ 'a' ] ] }",
    "main.json:1:28: each value of enum 'Foo' must be a string or an object",
  ],
  [
    "enum value unknown key",
    "{ 'enum': 'Foo', 'data': [ { 'name': 'a', 'type': 'int' } ] }",
    "main.json:1:43: value of enum 'Foo' has unknown key 'type'",
  ],
  [
    "enum prefix not a string",
    "{ 'enum': 'Foo', 'data': [], 'prefix': true }",
    "main.json:1:40: 'prefix' of enum 'Foo' must be a string",
  ],
  ["enum name not a string", "{ 'enum': [ 'Foo' ], 'data': [] }", "main.json:1:11: value of 'enum' must be a string"],
  ["struct without data", "{ 'struct': 'Foo' }", "main.json:1:1: struct 'Foo' is missing key 'data'"],
  [
    "struct data not an object",
    "{ 'struct': 'Foo', 'data': [ 'a' ] }",
    "main.json:1:28: members of struct 'Foo' must be an object",
  ],
  [
    "struct base array",
    S + "{ 'struct': 'Foo', 'base': [ 'Base' ], 'data': {} }",
    "main.json:2:28: 'base' of struct 'Foo' must be a type name",
  ],
  [
    "struct unknown key",
    "{ 'struct': 'Foo', 'data': {}, 'discriminator': 'a' }",
    "main.json:1:32: struct 'Foo' has unknown key 'discriminator'",
  ],
  [
    "member type bool",
    "{ 'struct': 'Foo', 'data': { 'a': true } }",
    "main.json:1:35: type of member 'a' of struct 'Foo' must be a type name or ['type name']",
  ],
  [
    "member array of two",
    "{ 'struct': 'Foo', 'data': { 'a': [ 'int', 'str' ] } }",
    "main.json:1:35: type of member 'a' of struct 'Foo': an array type must contain exactly one type name",
  ],
  [
    "member longhand without type",
    "{ 'struct': 'Foo', 'data': { 'a': { 'if': 'X' } } }",
    "main.json:1:35: member 'a' of struct 'Foo' is missing key 'type'",
  ],
  [
    "member longhand unknown key",
    "{ 'struct': 'Foo', 'data': { 'a': { 'type': 'int', 'default': 'x' } } }",
    "main.json:1:52: member 'a' of struct 'Foo' has unknown key 'default'",
  ],
  [
    "union without discriminator",
    E + "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'data': {} }",
    "main.json:2:1: union 'Uni' is missing key 'discriminator'",
  ],
  [
    "union branch unknown key",
    E +
      S +
      "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'c', 'data': { 'red': { 'type': 'Base', 'features': [] } } }",
    "main.json:3:102: branch 'red' of union 'Uni' has unknown key 'features'",
  ],
  [
    "union branch array",
    E + S + "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'c', 'data': { 'red': [ 'Base' ] } }",
    "main.json:3:84: type of branch 'red' of union 'Uni' must be a type name",
  ],
  [
    "union base neither",
    E + "{ 'union': 'Uni', 'base': [ 'Color' ], 'discriminator': 'c', 'data': {} }",
    "main.json:2:27: 'base' of union 'Uni' must be an object of members or a type name",
  ],
  ["alternate without data", "{ 'alternate': 'Alt' }", "main.json:1:1: alternate 'Alt' is missing key 'data'"],
  [
    "alternate data not an object",
    "{ 'alternate': 'Alt', 'data': [ 'str' ] }",
    "main.json:1:31: 'data' of alternate 'Alt' must be an object",
  ],
  ["command unknown key", "{ 'command': 'foo', 'args': {} }", "main.json:1:21: command 'foo' has unknown key 'args'"],
  [
    "command data list",
    "{ 'command': 'foo', 'data': [ 'Base' ] }",
    "main.json:1:29: 'data' of command 'foo' must be an object of members or a type name",
  ],
  ["event with returns", "{ 'event': 'FOO', 'returns': 'Base' }", "main.json:1:19: event 'FOO' has unknown key 'returns'"],
  [
    "feature not a string",
    "{ 'enum': 'Foo', 'data': [], 'features': [ true ] }",
    "main.json:1:44: each feature of enum 'Foo' must be a string or an object",
  ],
  [
    "features not a list",
    "{ 'enum': 'Foo', 'data': [], 'features': 'deprecated' }",
    "main.json:1:42: 'features' of enum 'Foo' must be an array",
  ],
  [
    "feature unknown key",
    "{ 'enum': 'Foo', 'data': [], 'features': [ { 'name': 'a', 'since': 'b' } ] }",
    "main.json:1:59: feature of enum 'Foo' has unknown key 'since'",
  ],
  [
    "duplicate feature",
    "{ 'enum': 'Foo', 'data': [], 'features': [ 'a', { 'name': 'a' } ] }",
    "main.json:1:49: duplicate feature 'a' of enum 'Foo'",
  ],
  [
    "if list of non-strings (before 6.0)",
    OLD + "{ 'enum': 'Foo', 'data': [], 'if': [ [ 'A' ] ] }",
    "main.json:2:38: 'if' condition of enum 'Foo' must be a string",
  ],
  [
    "if empty list (before 6.0)",
    OLD + "{ 'enum': 'Foo', 'data': [], 'if': [] }",
    "main.json:2:36: 'if' condition [] of enum 'Foo' is useless",
  ],
  [
    "if list (QEMU 6.0 on)",
    "{ 'enum': 'Foo', 'data': [], 'if': [ 'A' ] }",
    "main.json:1:36: 'if' condition of enum 'Foo' must be a string or an object",
  ],
  [
    "if blank string",
    "{ 'enum': 'Foo', 'data': [], 'if': ' ' }",
    "main.json:1:36: 'if' condition ' ' of enum 'Foo' makes no sense",
  ],
  [
    "if with bad expression",
    "{ 'enum': 'Foo', 'data': [], 'if': 'defined(A' }",
    "main.json:1:36: 'if' condition 'defined(A' of enum 'Foo' is not a valid symbol or 'defined(SYMBOL)' expression",
  ],
  [
    "if nested too deep",
    `{ 'enum': 'Foo', 'data': [], 'if': '${"!".repeat(5000)}defined(A)' }`,
    `main.json:1:36: 'if' condition '${"!".repeat(5000)}defined(A)' of enum 'Foo' is not a valid symbol or 'defined(SYMBOL)' expression`,
  ],
  [
    "if with arithmetic",
    "{ 'enum': 'Foo', 'data': [], 'if': 'A > 1' }",
    "main.json:1:36: 'if' condition 'A > 1' of enum 'Foo' is not a valid symbol or 'defined(SYMBOL)' expression",
  ],
  [
    "if with two keys",
    "{ 'enum': 'Foo', 'data': [], 'if': { 'all': [ 'A' ], 'any': [ 'B' ] } }",
    "main.json:1:36: 'if' condition of enum 'Foo' must have exactly one key: 'all', 'any' or 'not'",
  ],
  [
    "if with unknown operator",
    "{ 'enum': 'Foo', 'data': [], 'if': { 'one': [ 'A' ] } }",
    "main.json:1:38: 'if' condition of enum 'Foo' has unknown operator 'one'",
  ],
  [
    "if all empty",
    "{ 'enum': 'Foo', 'data': [], 'if': { 'all': [] } }",
    "main.json:1:45: 'all' condition of enum 'Foo' must not be empty",
  ],
  [
    "if any not a list",
    "{ 'enum': 'Foo', 'data': [], 'if': { 'any': 'A' } }",
    "main.json:1:45: 'any' condition of enum 'Foo' must be an array",
  ],
  [
    "if not of bool",
    "{ 'enum': 'Foo', 'data': [], 'if': { 'not': true } }",
    "main.json:1:45: 'if' condition of enum 'Foo' must be a string or an object",
  ],
  [
    "feature without a name",
    "{ 'enum': 'Foo', 'data': [], 'features': [ { 'if': 'CONFIG_A' } ] }",
    "main.json:1:44: feature of enum 'Foo' is missing key 'name'",
  ],
  [
    "feature name not a string",
    "{ 'enum': 'Foo', 'data': [], 'features': [ { 'name': [ 'a' ] } ] }",
    "main.json:1:54: 'name' of a feature of enum 'Foo' must be a string",
  ],
];

/** Flags and their permitted values. */
export const flags: RejectionCase[] = [
  ["gen true", "{ 'command': 'foo', 'gen': true }", "main.json:1:28: flag 'gen' of command 'foo' may only be false"],
  [
    "success-response true",
    "{ 'command': 'foo', 'success-response': true }",
    "main.json:1:41: flag 'success-response' of command 'foo' may only be false",
  ],
  ["boxed false", "{ 'command': 'foo', 'boxed': false }", "main.json:1:30: flag 'boxed' of command 'foo' may only be true"],
  [
    "allow-oob string",
    "{ 'command': 'foo', 'allow-oob': 'yes' }",
    "main.json:1:34: flag 'allow-oob' of command 'foo' may only be true",
  ],
  [
    "allow-preconfig false",
    "{ 'command': 'foo', 'allow-preconfig': false }",
    "main.json:1:40: flag 'allow-preconfig' of command 'foo' may only be true",
  ],
  [
    "coroutine and allow-oob",
    "{ 'command': 'foo', 'allow-oob': true, 'coroutine': true }",
    "main.json:1:1: command 'foo' cannot have both 'allow-oob' and 'coroutine'",
  ],
  ["event boxed false", "{ 'event': 'FOO', 'boxed': false }", "main.json:1:28: flag 'boxed' of event 'FOO' may only be true"],
];

/** Naming rules. */
export const naming: RejectionCase[] = [
  ["type lower case", "{ 'struct': 'foo', 'data': {} }", "main.json:1:13: struct 'foo' must use CamelCase"],
  ["type with dash", "{ 'struct': 'Foo-Bar', 'data': {} }", "main.json:1:13: struct 'Foo-Bar' must use CamelCase"],
  [
    "type ending in List",
    "{ 'struct': 'FooList', 'data': {} }",
    "main.json:1:13: struct 'FooList' must not end in 'List' (reserved for array types)",
  ],
  ["type with q_ prefix", "{ 'enum': 'q_Foo', 'data': [] }", "main.json:1:11: enum 'q_Foo' uses the reserved prefix 'q_'"],
  ["command upper case", "{ 'command': 'Foo' }", "main.json:1:14: command 'Foo' must not use upper case"],
  ["command with underscore", "{ 'command': 'foo_bar' }", "main.json:1:14: command 'foo_bar' must use '-', not '_'"],
  ["event lower case", "{ 'event': 'Foo' }", "main.json:1:12: event 'Foo' must use upper case and '_' (no lower case, no '-')"],
  [
    "event with dash",
    "{ 'event': 'FOO-BAR' }",
    "main.json:1:12: event 'FOO-BAR' must use upper case and '_' (no lower case, no '-')",
  ],
  [
    "member upper case",
    "{ 'struct': 'Foo', 'data': { 'Bar': 'int' } }",
    "main.json:1:30: member 'Bar' of struct 'Foo' must not use upper case",
  ],
  [
    "member with underscore",
    "{ 'struct': 'Foo', 'data': { 'bar_baz': 'int' } }",
    "main.json:1:30: member 'bar_baz' of struct 'Foo' must use '-', not '_'",
  ],
  [
    "member u",
    "{ 'struct': 'Foo', 'data': { 'u': 'int' } }",
    "main.json:1:30: member 'u' of struct 'Foo' uses a reserved name ('u' and 'has-*' are reserved)",
  ],
  [
    "member has-",
    "{ 'struct': 'Foo', 'data': { '*has-bar': 'int' } }",
    "main.json:1:30: member 'has-bar' of struct 'Foo' uses a reserved name ('u' and 'has-*' are reserved)",
  ],
  [
    "member starting with digit",
    "{ 'struct': 'Foo', 'data': { '9lives': 'int' } }",
    "main.json:1:30: member '9lives' of struct 'Foo' has an invalid name: use letters, digits, '-' and '_', starting with a letter",
  ],
  [
    "member with space",
    "{ 'command': 'foo', 'data': { 'a b': 'int' } }",
    "main.json:1:31: member 'a b' of command 'foo' has an invalid name: use letters, digits, '-' and '_', starting with a letter",
  ],
  [
    "member with q_",
    "{ 'struct': 'Foo', 'data': { 'q_bar': 'int' } }",
    "main.json:1:30: member 'q_bar' of struct 'Foo' uses the reserved prefix 'q_'",
  ],
  [
    "bad downstream prefix",
    "{ 'command': '__com+x_foo' }",
    "main.json:1:14: command '__com+x_foo' has an invalid name: use letters, digits, '-' and '_', starting with a letter",
  ],
  [
    "enum value invalid",
    "{ 'enum': 'Foo', 'data': [ 'a.b!' ] }",
    "main.json:1:28: value 'a.b!' of enum 'Foo' has an invalid name: use letters, digits, '-' and '_', starting with a letter",
  ],
  [
    "enum value upper case",
    "{ 'enum': 'Foo', 'data': [ 'Red' ] }",
    "main.json:1:28: value 'Red' of enum 'Foo' must not use upper case",
  ],
  [
    "feature upper case",
    "{ 'enum': 'Foo', 'data': [], 'features': [ 'Fast' ] }",
    "main.json:1:44: feature 'Fast' of enum 'Foo' must not use upper case",
  ],
  [
    "alternate branch u",
    "{ 'alternate': 'Alt', 'data': { 'u': 'str' } }",
    "main.json:1:33: branch 'u' of alternate 'Alt' uses a reserved name ('u' and 'has-*' are reserved)",
  ],
];

/** Type resolution, clashes, unions, alternates, commands. */
export const semantics: RejectionCase[] = [
  [
    "unknown member type",
    "{ 'struct': 'Foo', 'data': { 'a': 'Bar' } }",
    "main.json:1:35: member 'a' of struct 'Foo' uses unknown type 'Bar'",
  ],
  [
    "unknown array element",
    "{ 'struct': 'Foo', 'data': { 'a': [ 'Bar' ] } }",
    "main.json:1:35: member 'a' of struct 'Foo' uses unknown type 'Bar'",
  ],
  [
    "command used as a type",
    "{ 'command': 'bar' }\n{ 'struct': 'Foo', 'data': { 'a': 'bar' } }",
    "main.json:2:35: member 'a' of struct 'Foo' uses command 'bar', which is not a type",
  ],
  ["redefinition", E + S + E, "main.json:3:1: enum 'Color' is already defined (at main.json:1:1)"],
  [
    "redefinition across kinds",
    "{ 'command': 'foo' }\n{ 'event': 'FOO' }\n{ 'command': 'foo' }",
    "main.json:3:1: command 'foo' is already defined (at main.json:1:1)",
  ],
  ["redefines built-in", "{ 'command': 'int' }", "main.json:1:1: command 'int' redefines the built-in type 'int'"],
  [
    "base not a struct",
    E + "{ 'struct': 'Foo', 'base': 'Color', 'data': {} }",
    "main.json:2:28: 'base' of struct 'Foo' must be a struct type, 'Color' is an enum",
  ],
  [
    "base unknown",
    "{ 'struct': 'Foo', 'base': 'Nope', 'data': {} }",
    "main.json:1:28: 'base' of struct 'Foo' uses unknown type 'Nope'",
  ],
  [
    "base cycle",
    "{ 'struct': 'Aa', 'base': 'Bb', 'data': {} }\n{ 'struct': 'Bb', 'base': 'Aa', 'data': {} }",
    "main.json:1:1: base of struct 'Aa' forms a cycle: Aa -> Bb -> Aa",
  ],
  ["base self", "{ 'struct': 'Aa', 'base': 'Aa', 'data': {} }", "main.json:1:1: base of struct 'Aa' forms a cycle: Aa -> Aa"],
  [
    "member clash after mapping",
    "{ 'pragma': { 'member-name-exceptions': [ 'Foo' ] } }\n{ 'struct': 'Foo', 'data': { 'a-b': 'int', 'a_b': 'str' } }",
    "main.json:2:44: member 'a_b' of struct 'Foo' clashes with member 'a-b'",
  ],
  [
    "downstream member clash",
    "{ 'struct': 'Foo', 'data': { '__org.ex_a': 'int', '__org-ex_a': 'str' } }",
    "main.json:1:51: member '__org-ex_a' of struct 'Foo' clashes with member '__org.ex_a'",
  ],
  [
    "member optional and not",
    "{ 'struct': 'Foo', 'data': { 'a': 'int', '*a': 'str' } }",
    "main.json:1:42: member 'a' of struct 'Foo' is duplicated",
  ],
  [
    "member clash with base",
    S + "{ 'struct': 'Foo', 'base': 'Base', 'data': { 'a': 'str' } }",
    "main.json:2:46: member 'a' of struct 'Foo' is duplicated",
  ],
  [
    "enum value clash",
    "{ 'pragma': { 'member-name-exceptions': [ 'Foo' ] } }\n{ 'enum': 'Foo', 'data': [ 'a-b', 'a_b' ] }",
    "main.json:2:35: value 'a_b' of enum 'Foo' clashes with value 'a-b'",
  ],
  [
    "enum value duplicate",
    "{ 'enum': 'Foo', 'data': [ 'a', { 'name': 'a' } ] }",
    "main.json:1:33: value 'a' of enum 'Foo' is duplicated",
  ],
  [
    "discriminator missing from base",
    E + S + "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'kind', 'data': { 'red': 'Base' } }",
    "main.json:3:62: discriminator 'kind' of union 'Uni' is not a member of its base",
  ],
  [
    "discriminator optional",
    E + S + "{ 'union': 'Uni', 'base': { '*c': 'Color' }, 'discriminator': 'c', 'data': { 'red': 'Base' } }",
    "main.json:3:63: discriminator 'c' of union 'Uni' must not be an optional member",
  ],
  [
    "discriminator conditional",
    E +
      S +
      "{ 'union': 'Uni', 'base': { 'c': { 'type': 'Color', 'if': 'X' } }, 'discriminator': 'c', 'data': { 'red': 'Base' } }",
    "main.json:3:85: discriminator 'c' of union 'Uni' must not be a conditional member",
  ],
  [
    "discriminator not an enum",
    S + "{ 'union': 'Uni', 'base': { 'c': 'str' }, 'discriminator': 'c', 'data': { 'red': 'Base' } }",
    "main.json:2:60: discriminator 'c' of union 'Uni' must be of an enum type",
  ],
  [
    "discriminator array of enum",
    E + S + "{ 'union': 'Uni', 'base': { 'c': [ 'Color' ] }, 'discriminator': 'c', 'data': { 'red': 'Base' } }",
    "main.json:3:66: discriminator 'c' of union 'Uni' must be of an enum type",
  ],
  [
    "branch not an enum value",
    E + S + "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'c', 'data': { 'green': 'Base' } }",
    "main.json:3:77: branch 'green' of union 'Uni' is not a value of enum 'Color'",
  ],
  [
    "branch not an object",
    E + "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'c', 'data': { 'red': 'str' } }",
    "main.json:2:84: branch 'red' of union 'Uni' must be an object type, 'str' is built-in type",
  ],
  [
    "branch an enum",
    E + "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'c', 'data': { 'red': 'Color' } }",
    "main.json:2:84: branch 'red' of union 'Uni' must be an object type, 'Color' is an enum",
  ],
  [
    "branch member clashes with base",
    E + S + "{ 'union': 'Uni', 'base': { 'c': 'Color', 'a': 'str' }, 'discriminator': 'c', 'data': { 'red': 'Base' } }",
    "main.json:3:89: member 'a' of branch 'red' of union 'Uni' (from 'Base') clashes with base member 'a'",
  ],
  ["simple union without branches", "{ 'union': 'Uni', 'data': {} }", "main.json:1:27: union 'Uni' has no branches"],
  [
    "simple union branch of an unknown type",
    "{ 'union': 'Uni', 'data': { 'a': 'Nope' } }",
    "main.json:1:34: member 'data' of the wrapper 'NopeWrapper' of branch 'a' of union 'Uni' uses unknown type 'Nope'",
  ],
  [
    "simple union whose tag enum name is taken",
    "{ 'enum': 'UniKind', 'data': [] }\n{ 'union': 'Uni', 'data': { 'a': 'int' } }",
    "main.json:2:1: the implicit enum 'UniKind' of union 'Uni' is already defined (at main.json:1:1)",
  ],
  [
    "simple union with a base",
    S + "{ 'union': 'Uni', 'base': 'Base', 'data': { 'a': 'Base' } }",
    "main.json:2:1: union 'Uni' is missing key 'discriminator'",
  ],
  [
    "union base a union",
    E +
      S +
      "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'c', 'data': { 'red': 'Base' } }\n{ 'union': 'Vee', 'base': 'Uni', 'discriminator': 'c', 'data': { 'red': 'Base' } }",
    "main.json:4:27: 'base' of union 'Vee' must be a struct type, 'Uni' is a union",
  ],
  [
    "alternate str and int",
    "{ 'alternate': 'Alt', 'data': { 's': 'str', 'i': 'int' } }",
    "main.json:1:45: branch 'i' of alternate 'Alt' can't be distinguished from branch 's' (both accept a JSON number)",
  ],
  [
    "alternate two numbers",
    "{ 'alternate': 'Alt', 'data': { 'i': 'int8', 'n': 'number' } }",
    "main.json:1:46: branch 'n' of alternate 'Alt' can't be distinguished from branch 'i' (both accept a JSON number)",
  ],
  [
    "alternate enum and str",
    E + "{ 'alternate': 'Alt', 'data': { 'c': 'Color', 's': 'str' } }",
    "main.json:2:47: branch 's' of alternate 'Alt' can't be distinguished from branch 'c' (both accept a JSON string)",
  ],
  [
    "alternate two objects",
    S + "{ 'struct': 'Other', 'data': {} }\n{ 'alternate': 'Alt', 'data': { 'a': 'Base', 'b': 'Other' } }",
    "main.json:3:46: branch 'b' of alternate 'Alt' can't be distinguished from branch 'a' (both accept a JSON object)",
  ],
  [
    "alternate two arrays",
    "{ 'alternate': 'Alt', 'data': { 'a': [ 'int' ], 'b': [ 'str' ] } }",
    "main.json:1:49: branch 'b' of alternate 'Alt' can't be distinguished from branch 'a' (both accept a JSON array)",
  ],
  [
    "alternate on/off enum and bool",
    "{ 'enum': 'Switch', 'data': [ 'on', 'off' ] }\n{ 'alternate': 'Alt', 'data': { 's': 'Switch', 'b': 'bool' } }",
    "main.json:2:48: branch 'b' of alternate 'Alt' can't be distinguished from branch 's' (both accept a JSON boolean)",
  ],
  [
    "alternate numeric enum and int",
    "{ 'enum': 'Level', 'data': [ '1', '2' ] }\n{ 'alternate': 'Alt', 'data': { 'l': 'Level', 'i': 'int' } }",
    "main.json:2:47: branch 'i' of alternate 'Alt' can't be distinguished from branch 'l' (both accept a JSON number)",
  ],
  [
    "alternate with any",
    "{ 'alternate': 'Alt', 'data': { 'a': 'any' } }",
    "main.json:1:38: branch 'a' of alternate 'Alt' cannot use built-in type 'any'",
  ],
  [
    "alternate in alternate",
    "{ 'alternate': 'Inner', 'data': { 's': 'str' } }\n{ 'alternate': 'Alt', 'data': { 'i': 'Inner' } }",
    "main.json:2:38: branch 'i' of alternate 'Alt' cannot use an alternate 'Inner'",
  ],
  [
    "alternate branch clash",
    "{ 'alternate': 'Alt', 'data': { '__org.ex_a': 'str', '__org-ex_a': 'bool' } }",
    "main.json:1:54: branch '__org-ex_a' of alternate 'Alt' clashes with branch '__org.ex_a'",
  ],
  [
    "branch of a branch clashes with the base",
    "{ 'enum': 'Outer', 'data': [ 'inner' ] }\n{ 'enum': 'Deep', 'data': [ 'fish' ] }\n" +
      "{ 'struct': 'Fish', 'data': { 'teeth': 'int' } }\n" +
      "{ 'union': 'Inner', 'base': { 'kind': 'Deep' }, 'discriminator': 'kind', 'data': { 'fish': 'Fish' } }\n" +
      "{ 'union': 'Top', 'base': { 'type': 'Outer', 'teeth': 'int' }, 'discriminator': 'type', 'data': { 'inner': 'Inner' } }",
    "main.json:5:99: member 'teeth' of branch 'inner' of union 'Top' (from 'Inner') clashes with base member 'teeth'",
  ],
  [
    "deprecated type",
    "{ 'struct': 'Foo', 'data': {}, 'features': [ 'deprecated' ] }",
    "main.json:1:46: feature 'deprecated' of struct 'Foo' is not supported for types",
  ],
  [
    "conditional command arguments, not boxed",
    "{ 'command': 'foo', 'data': { 'a': 'int', 'b': { 'type': 'str', 'if': 'CONFIG_B' } } }",
    "main.json:1:1: conditional arguments of command 'foo' ('b') require 'boxed': true",
  ],
  [
    "conditional members of a command's argument type, not boxed",
    "{ 'struct': 'Args', 'data': { 'b': { 'type': 'str', 'if': 'CONFIG_B' } } }\n{ 'command': 'foo', 'data': 'Args' }",
    "main.json:2:1: conditional arguments of command 'foo' ('b') require 'boxed': true",
  ],
  ["boxed without data", "{ 'command': 'foo', 'boxed': true }", "main.json:1:1: 'boxed': true of command 'foo' requires 'data'"],
  [
    "boxed with inline data",
    "{ 'command': 'foo', 'boxed': true, 'data': { 'a': 'int' } }",
    "main.json:1:44: 'data' of command 'foo' must name a type when 'boxed' is true",
  ],
  [
    "command data an enum",
    E + "{ 'command': 'foo', 'data': 'Color' }",
    "main.json:2:29: 'data' of command 'foo' must be an object type, 'Color' is an enum",
  ],
  [
    "command data an array",
    "{ 'command': 'foo', 'data': [ 'int' ] }",
    "main.json:1:29: 'data' of command 'foo' must be an object of members or a type name",
  ],
  [
    "command data a union without boxed",
    E +
      S +
      "{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'c', 'data': { 'red': 'Base' } }\n{ 'command': 'foo', 'data': 'Uni' }",
    "main.json:4:29: 'data' of command 'foo' is a union, which requires 'boxed': true",
  ],
  [
    "command returns str",
    "{ 'command': 'foo', 'returns': 'str' }",
    "main.json:1:32: 'returns' of command 'foo' must be an object type or an array of one, not 'str' (unless listed in pragma 'command-returns-exceptions')",
  ],
  [
    "command returns list of int",
    "{ 'command': 'foo', 'returns': [ 'int' ] }",
    "main.json:1:32: 'returns' of command 'foo' must be an object type or an array of one, not 'int' (unless listed in pragma 'command-returns-exceptions')",
  ],
  [
    "command returns unknown",
    "{ 'command': 'foo', 'returns': 'Nope' }",
    "main.json:1:32: 'returns' of command 'foo' uses unknown type 'Nope'",
  ],
  [
    "command member clash",
    "{ 'pragma': { 'member-name-exceptions': [ 'foo' ] } }\n{ 'command': 'foo', 'data': { 'a-b': 'int', 'a_b': 'int' } }",
    "main.json:2:45: member 'a_b' of command 'foo' clashes with member 'a-b'",
  ],
  [
    "event data a built-in",
    "{ 'event': 'FOO', 'data': 'str' }",
    "main.json:1:27: 'data' of event 'FOO' must be an object type, 'str' is built-in type",
  ],
  [
    "command arguments an alternate",
    "{ 'alternate': 'Alt', 'data': { 'i': 'int', 'b': 'bool' } }\n{ 'command': 'foo', 'data': 'Alt' }",
    "main.json:2:29: 'data' of command 'foo' must be an object type, 'Alt' is an alternate",
  ],
  [
    "boxed event without data",
    "{ 'event': 'FOO', 'boxed': true }",
    "main.json:1:1: 'boxed': true of event 'FOO' requires 'data'",
  ],
  [
    "inclusion loop through three files",
    { "main.json": "{ 'include': 'b.json' }", "b.json": "{ 'include': 'c.json' }", "c.json": "\n{ 'include': 'b.json' }" },
    "In file included from main.json:1:\nIn file included from b.json:1:\nc.json:2:14: inclusion loop: main.json -> b.json -> c.json -> b.json",
  ],
];

/** Errors that only appear once `--define` prunes the schema. */
export const defines: readonly (readonly [name: string, given: string, defines: readonly string[], want: string])[] = [
  [
    "type removed but used",
    "{ 'struct': 'Foo', 'data': {}, 'if': 'CONFIG_FOO' }\n{ 'command': 'bar', 'returns': 'Foo' }",
    [],
    "main.json:2:32: 'returns' of command 'bar' uses type 'Foo', which does not exist with the given defines",
  ],
  [
    "member type removed",
    "{ 'enum': 'Foo', 'data': [], 'if': { 'not': 'CONFIG_BAR' } }\n{ 'struct': 'Baz', 'data': { '*foo': 'Foo' } }",
    ["CONFIG_BAR"],
    "main.json:2:38: member 'foo' of struct 'Baz' uses type 'Foo', which does not exist with the given defines",
  ],
  [
    "branch type removed",
    E +
      "{ 'struct': 'Red', 'data': {}, 'if': 'CONFIG_RED' }\n{ 'union': 'Uni', 'base': { 'c': 'Color' }, 'discriminator': 'c', 'data': { 'red': 'Red' } }",
    ["CONFIG_BLUE"],
    "main.json:3:84: branch 'red' of union 'Uni' uses type 'Red', which does not exist with the given defines",
  ],
];
