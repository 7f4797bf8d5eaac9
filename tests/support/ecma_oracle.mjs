// ECMA-262 oracle: answers JSON requests, one per stdin line, with V8's own RegExp.
// Driven by ecma_oracle.py. Strings arrive as JSON with \uXXXX escapes, so lone
// surrogates and astral characters reach JavaScript as the exact UTF-16 code units.
import { createInterface } from "node:readline";

const MAX_CODE_POINT = 0x10ffff;

function compile(pattern, flags) {
  return new RegExp(pattern, flags ?? "u");
}

// Inclusive [low, high] runs of code points c for which regex.test(String.fromCodePoint(c)).
function matchingRanges(regex) {
  const ranges = [];
  let start = -1;
  for (let codePoint = 0; codePoint <= MAX_CODE_POINT + 1; codePoint++) {
    const hit = codePoint <= MAX_CODE_POINT && regex.test(String.fromCodePoint(codePoint));
    if (hit && start < 0) start = codePoint;
    if (!hit && start >= 0) {
      ranges.push([start, codePoint - 1]);
      start = -1;
    }
  }
  return ranges;
}

const operations = {
  info: () => ({ node: process.versions.node, unicode: process.versions.unicode }),
  test: (req) => {
    const regex = compile(req.pattern, req.flags);
    return req.values.map((value) => regex.test(value));
  },
  compile: (req) => {
    try {
      compile(req.pattern, req.flags);
      return null;
    } catch (error) {
      if (error instanceof SyntaxError) return error.message;
      throw error;
    }
  },
  ranges: (req) => matchingRanges(compile(req.pattern, req.flags)),
  code_point_lengths: (req) => req.values.map((value) => [...value].length),
  code_units: (req) =>
    req.values.map((value) => Array.from({ length: value.length }, (_, i) => value.charCodeAt(i))),
};

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  let reply;
  try {
    const req = JSON.parse(line);
    const operation = operations[req.op];
    if (operation === undefined) throw new Error(`unknown op ${req.op}`);
    reply = { ok: true, result: operation(req) };
  } catch (error) {
    reply = { ok: false, error: `${error.name}: ${error.message}` };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
