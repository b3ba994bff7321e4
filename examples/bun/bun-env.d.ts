// The one Bun API server.ts uses, so the repository's `tsc` can check it without Bun's types.
// Not part of the starter: delete it and `bun add -d @types/bun` in your project.
declare const Bun: {
  serve(options: { port?: number; hostname?: string; fetch(request: Request): Response | Promise<Response> }): {
    hostname: string;
    port: number;
    stop(): void;
  };
};
