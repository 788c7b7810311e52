/** vitest setupFiles entry: no developer variable that changes snn's behaviour reaches a test (test/helpers/test-env.ts). */
import { BEHAVIOUR_VARIABLES } from '../helpers/test-env.js';

for (const k of BEHAVIOUR_VARIABLES) delete process.env[k];
