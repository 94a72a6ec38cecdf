import { RuleTester } from 'eslint';
import path from 'node:path';
import { describe, it } from 'vitest';
import { layeringRule } from './eslint-layering.mjs';

RuleTester.describe = describe;
RuleTester.it = it;

const root = path.resolve(import.meta.dirname, '..');
const at = (file: string) => path.join(root, file);
const options = [{ root }];
const tester = new RuleTester({ languageOptions: { ecmaVersion: 2023, sourceType: 'module' } });

tester.run('chunkscope/layering', layeringRule, {
  valid: [
    { filename: at('shared/api.ts'), code: "import { x } from './anomalies';", options },
    { filename: at('main/http1/parser.ts'), code: "import { x } from '../../shared/anomalies'; import fs from 'node:fs';", options },
    { filename: at('main/electron/main.ts'), code: "import { app } from 'electron';", options },
    { filename: at('renderer/app.tsx'), code: "import { create } from 'zustand'; import { x } from '../shared/api';", options },
    // An arrow of main/parts.mjs: the engine may use the analysis; a part inside itself.
    { filename: at('main/engine/rows.ts'), code: "import { x } from '../analysis/connection';", options },
    { filename: at('main/check/report.ts'), code: "import { x } from '../inspect/human';", options },
    // Tests and test-support reach across parts to build their fixtures.
    { filename: at('main/http1/parser.test.ts'), code: "import { x } from '../proxy/test-support/clients';", options },
  ],
  invalid: [
    { filename: at('shared/api.ts'), code: "import fs from 'node:fs';", options, errors: [{ message: /shared\/ imports nothing outside itself/ }] },
    { filename: at('shared/api.ts'), code: "import { create } from 'zustand';", options, errors: 1 },
    { filename: at('shared/api.ts'), code: "import { Http1Parser } from '../main/http1';", options, errors: 1 },
    { filename: at('renderer/app.tsx'), code: "import net from 'net';", options, errors: [{ message: /may not import the Node module "net"/ }] },
    { filename: at('renderer/app.tsx'), code: "import { ipcRenderer } from 'electron';", options, errors: [{ message: /may not import electron/ }] },
    { filename: at('renderer/app.tsx'), code: "import { x } from '../main/http1';", options, errors: 1 },
    { filename: at('main/proxy/server.ts'), code: "import { app } from 'electron';", options, errors: [{ message: /only main\/electron\/ imports electron/ }] },
    { filename: at('main/proxy/server.ts'), code: "const e = require('electron');", options, errors: 1 },
    { filename: at('main/cli/main.ts'), code: "export * from '../../renderer/app';", options, errors: 1 },
    // No arrow between the parts: each refusal says why.
    { filename: at('main/http1/parser.ts'), code: "import { x } from '../capture/format';", options, errors: [{ message: /main\/http1\/ \(parse\) may not import main\/capture\/ \(store\): the parsers are sans-IO/ }] },
    { filename: at('main/analysis/connection.ts'), code: "import { x } from '../proxy/leg';", options, errors: [{ message: /never reaches for a socket/ }] },
    { filename: at('main/proxy/relay.ts'), code: "import { x } from '../engine/engine';", options, errors: [{ message: /never calls up/ }] },
    { filename: at('main/lab/lab.ts'), code: "import { x } from '../engine/engine';", options, errors: [{ message: /run without the app's engine/ }] },
    { filename: at('main/engine/engine.ts'), code: "import { x } from '../cli/errors';", options, errors: [{ message: /serves every surface/ }] },
    { filename: at('main/capture/reader.ts'), code: "import { x } from '../analysis/connection';", options, errors: [{ message: /depends on the contract/ }] },
    { filename: at('main/nowhere/a.ts'), code: "import { x } from '../capture/format';", options, errors: [{ message: /main\/nowhere\/ belongs to no part/ }] },
  ],
});
