// The layering of DESIGN.md as a lint rule: which top-level folder may import what.
//   shared/   imports nothing outside itself (no packages, no Node, no main/renderer)
//   renderer/ never imports node:* / Node built-ins, electron, or main/
//   main/     only main/electron/ imports electron; main/ never imports renderer/;
//             inside main/, an import from one part to another must be an arrow of
//             main/parts.mjs (tests and test-support may reach across, to build fixtures)
import { builtinModules } from 'node:module';
import path from 'node:path';
import { forbidden, partOf } from '../main/parts.mjs';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function topFolder(root, file) {
  const rel = path.relative(root, file).split(path.sep);
  return rel[0] === '..' ? null : rel;
}

function problemFor(root, filename, specifier) {
  const from = topFolder(root, filename);
  if (!from) return null;
  const [area, sub] = from;
  const relative = specifier.startsWith('.');
  const target = relative ? topFolder(root, path.resolve(path.dirname(filename), specifier)) : null;
  const isBuiltin = builtins.has(specifier) || specifier.startsWith('node:');
  const isElectron = specifier === 'electron' || specifier.startsWith('electron/');
  if (area === 'shared') {
    // A test of shared/ may use the test runner; shared/ itself ships to both sides.
    if (specifier === 'vitest' && /\.test\.ts$/.test(filename)) return null;
    if (!relative) return `shared/ imports nothing outside itself, not "${specifier}"`;
    if (target?.[0] !== 'shared') return `shared/ imports nothing outside itself, not "${specifier}"`;
  }
  if (area === 'renderer') {
    if (isBuiltin) return `renderer/ runs in a browser: it may not import the Node module "${specifier}"`;
    if (isElectron) return 'renderer/ may not import electron: use the API in shared/ through window.chunkscope or the WebSocket bridge';
    if (target?.[0] === 'main') return `renderer/ may import shared/ only, not main/ ("${specifier}")`;
  }
  if (area === 'main') {
    if (isElectron && sub !== 'electron') return 'only main/electron/ imports electron (DESIGN.md principle 5)';
    if (target?.[0] === 'renderer') return `main/ may not import renderer/ ("${specifier}")`;
    if (from.length > 2) {
      const part = partOf(sub);
      if (!part) return `main/${sub}/ belongs to no part: add it to main/parts.mjs`;
      const isTest = /\.test\.tsx?$/.test(filename) || from.includes('test-support');
      if (!isTest && target?.[0] === 'main' && target.length > 2) {
        const to = partOf(target[1]);
        const reason = to && forbidden(part.name, to.name);
        if (reason) return `main/${sub}/ (${part.name}) may not import main/${target[1]}/ (${to.name}): ${reason}`;
      }
    }
  }
  return null;
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the folder layering of DESIGN.md' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const message = problemFor(root, context.filename, source.value);
      if (message) context.report({ node: source, message });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : null),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0]);
        }
      },
    };
  },
};

export default { rules: { layering: layeringRule } };
