/**
 * Imports an optional peer by a name computed at run time.
 *
 * Why not `import('name')`: a bundler (esbuild, Vite, webpack) resolves every
 * literal `import()` it sees and fails the build when the package is not
 * installed, which an optional peer often is not. A computed specifier is left
 * alone by all three (the comments silence Vite's and webpack's notices), so
 * Node resolves it at run time, and a page that wants the peer passes the
 * module in itself (e.g. `useFastestBackend({ wasmModule })`), where the
 * page's own bundler resolves it.
 *
 * @returns the module, or `undefined` when it cannot be imported; the error is
 * handed to `onError` for messages that say why.
 */
export async function importOptional<T>(name: string, onError?: (error: unknown) => void): Promise<T | undefined> {
  const specifier = String(name);
  try {
    return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as T;
  } catch (error) {
    onError?.(error);
    return undefined;
  }
}
