// The few Deno APIs main.ts uses, so the repository's `tsc` can check it without Deno's own types.
// Deno never loads this file (it is not imported); delete it in your project.
declare namespace Deno {
  const env: { get(name: string): string | undefined };
  function serve(
    options: { port?: number; hostname?: string; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
}
