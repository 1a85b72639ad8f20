// tfjs-core registers its gradient functions only from its ES-module files (dist/register_all_gradients.js and
// dist/gradients/*), which use extensionless relative imports that Node's own ES-module loader (and tsx, which
// picks the dist/gradients/ folder over dist/gradients.js) cannot resolve; its CommonJS bundle, what Node loads
// for '@tensorflow/tfjs-core', has none. So before training we add a resolve hook, scoped to tfjs-core's dist
// folder, that tries "<specifier>.js" first, and import the registration module once. The registries live on
// globalThis (tfjs's _tfGlobals), so gradients registered through the ES-module files serve the CommonJS engine;
// tfjs's Tensor has a Symbol.hasInstance check so tensors pass between the two copies. Vitest resolves the
// files itself; the hook is then unused.
import { register } from 'node:module';

const HOOK = `export async function resolve(specifier, context, next) {
  if (context.parentURL && context.parentURL.includes('/@tensorflow/tfjs-core/dist/') && /^\\.\\.?\\//.test(specifier) && !/\\.[cm]?js$/.test(specifier)) {
    try { return await next(specifier + '.js', context); } catch {}
  }
  return next(specifier, context);
}`;

let registered: Promise<void> | undefined;

export function registerTfGradients(): Promise<void> {
  registered ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return registered;
}
