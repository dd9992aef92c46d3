// Compiles every generated interface (abi/*.sol) and caller contract (abi/callers/*.sol)
// with the pinned solc, fails on any error, and prints each interface's function count
// and selectors (`--selectors` writes them as JSON to stdout instead).
// Usage: node tools/solc/check.js [ABI_DIR]
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const abiDir = path.resolve(process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : "abi");
const selectorsOnly = process.argv.includes("--selectors");
const sources = {};
for (const dir of [abiDir, path.join(abiDir, "callers")]) {
  if (!fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".sol")).sort()) {
    const rel = path.relative(abiDir, path.join(dir, f));
    sources[rel] = { content: fs.readFileSync(path.join(dir, f), "utf8") };
  }
}
if (Object.keys(sources).length === 0) {
  console.error(`solc-check: no .sol files under ${abiDir}`);
  process.exit(1);
}
const input = {
  language: "Solidity",
  sources,
  settings: {
    optimizer: { enabled: false },
    outputSelection: { "*": { "*": ["abi", "evm.methodIdentifiers"] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of output.errors || []) {
  if (e.severity === "error") failed = true;
  console.error(`${e.severity}: ${e.formattedMessage.trim()}`);
}
if (failed) {
  console.error("solc-check: compilation failed");
  process.exit(1);
}
const selectors = {};
for (const [file, contracts] of Object.entries(output.contracts || {})) {
  for (const [name, c] of Object.entries(contracts)) {
    selectors[name] = c.evm.methodIdentifiers;
    if (!selectorsOnly) {
      const n = Object.keys(c.evm.methodIdentifiers).length;
      const events = c.abi.filter((x) => x.type === "event").length;
      const errors = c.abi.filter((x) => x.type === "error").length;
      console.log(`solc ${solc.version().split("+")[0]}: ${file} ${name}: ${n} functions, ${events} events, ${errors} errors`);
    }
  }
}
if (selectorsOnly) console.log(JSON.stringify(selectors, null, 1));
