/**
 * How the CLIs end: the exit code `main` resolves with, or 1 with the error's stack when it
 * throws (a bug, not a bad argument: those resolve with 2).
 */
export function runMain(main: () => Promise<number>): void {
  main()
    .then((code) => {
      process.exitCode = code;
    })
    .catch((err) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exitCode = 1;
    });
}
