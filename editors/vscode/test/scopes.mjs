// Tokenize .shot files with the TextMate grammar through vscode-textmate, the
// engine VS Code itself uses, and print every token's scopes as JSON:
//   node test/scopes.mjs FILE...  ->  {"FILE": [[[start, end, [scope...]], ...] per line]}
// Offsets are UTF-16 code units, as in VS Code. Used by tests/test_editors.py.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const grammarPath = path.join(here, "..", "syntaxes", "shot.tmLanguage.json");

const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
await oniguruma.loadWASM(wasm.buffer);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async (scopeName) =>
    scopeName === "source.shot"
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
      : null,
});
const grammar = await registry.loadGrammar("source.shot");

const result = {};
for (const file of process.argv.slice(2)) {
  let state = vsctm.INITIAL;
  result[file] = fs.readFileSync(file, "utf8").split(/\r?\n/).map((line) => {
    const tokenized = grammar.tokenizeLine(line, state);
    state = tokenized.ruleStack;
    return tokenized.tokens.map((t) => [t.startIndex, t.endIndex, t.scopes.slice(1)]);
  });
}
process.stdout.write(JSON.stringify(result));
