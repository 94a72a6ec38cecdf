// js-beautify ships no types; the HTML beautifier alone is imported (its own bundle, with
// the CSS and JavaScript beautifiers it uses inside <style> and <script>).
declare module 'js-beautify/js/lib/beautify-html.js' {
  const beautify: { html_beautify(source: string, options?: Record<string, unknown>): string };
  export default beautify;
}
