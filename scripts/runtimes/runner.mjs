// Entry for Node, Bun and Deno: runs the bundled smoke checks and prints them as one JSON line.
import { runChecks } from './.build/smoke.mjs';

const serverUrl = globalThis.Deno ? globalThis.Deno.args[0] : process.argv[2];
const results = await runChecks(serverUrl);
console.log(`@@RESULTS@@${JSON.stringify(results)}`);
