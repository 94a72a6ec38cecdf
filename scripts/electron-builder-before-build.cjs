// electron-builder's `beforeBuild` hook (electron-builder.yml). esbuild has already bundled
// every dependency into app/dist (scripts/build.mjs), so there is nothing to install, rebuild
// or copy. Answering false tells electron-builder that node_modules are handled outside it: it
// skips @electron/rebuild and copies no node_modules. Without it, finding none beside
// app/package.json, it falls back to the project's and ships them all (1,600 files, 22 MB)
// next to bundles that already contain what they use.
module.exports = async function dependenciesAreBundled() {
  return false;
};
