// Prism's core and grammars imported one by one (not its default bundle with CSS, C-like
// and JavaScript): @types/prismjs types the package's main entry only.
declare module 'prismjs/components/prism-core.js' {
  import Prism from 'prismjs';
  export default Prism;
}
declare module 'prismjs/components/prism-markup.js';
declare module 'prismjs/components/prism-json.js';
