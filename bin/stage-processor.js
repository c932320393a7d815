// Entry of the sandbox threads of stages that run with `workers.sandbox`: loads the TypeScript processor through tsx.
import { register } from 'tsx/esm/api';

register();
const { default: processor } = await import('../src/workers/sandboxed.ts');
export default processor;
