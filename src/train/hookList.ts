import type { Hook } from './hooks.js';

/** The arguments of hook method `K` after the state. */
type HookArgs<K extends HookMethod> = Parameters<NonNullable<Hook[K]>>;

/** Names of the methods a hook may implement. */
export type HookMethod = Exclude<keyof Hook, 'name'>;

/**
 * Calls the hooks that implement a method, in registration order, awaiting
 * each (Keras dispatches only the callbacks that override a method; so does
 * this, and the argument types follow the method).
 */
export class HookList {
  constructor(private readonly hooks: readonly Hook[]) {}

  async call<K extends HookMethod>(method: K, ...args: HookArgs<K>): Promise<void> {
    for (const hook of this.hooks) {
      const fn = hook[method] as ((...a: HookArgs<K>) => unknown) | undefined;
      if (fn) await fn.apply(hook, args);
    }
  }
}
