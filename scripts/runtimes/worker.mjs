// Cloudflare Worker entry for workerd: GET /?server=<url> runs the smoke checks.
import { runChecks } from './.build/smoke.mjs';

export default {
  async fetch(request) {
    const serverUrl = new URL(request.url).searchParams.get('server');
    return Response.json(await runChecks(serverUrl));
  },
};
