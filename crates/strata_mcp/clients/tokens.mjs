// The tokens of a JSON text (the `tools` array of `tools/list`, as the server sends it) in
// gpt-tokenizer's o200k_base and cl100k_base encodings:  node tokens.mjs TOOLS.json
// Prints {"o200k_base": N, "cl100k_base": M, "chars": C}.
import { readFileSync } from "node:fs";
import { encode as o200k } from "gpt-tokenizer/encoding/o200k_base";
import { encode as cl100k } from "gpt-tokenizer/encoding/cl100k_base";

const text = readFileSync(process.argv[2], "utf8");
JSON.parse(text); // it must be the JSON the server sent
console.log(JSON.stringify({ o200k_base: o200k(text).length, cl100k_base: cl100k(text).length, chars: text.length }));
