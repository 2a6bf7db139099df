/** Safe inlining of data, scripts and styles into one HTML file. Test names and tags are
 * user input, so nothing may close the surrounding element or open an HTML comment. */

/** JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the JS line
 * separators are \u-escaped, which JSON.parse reads back unchanged. */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A script body for an inline `<script>`: `</script` and `<!--` can only occur inside
 * string/regex literals or comments in real code, where `<\/` and `<\!` mean the same. */
export function scriptForInline(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** A stylesheet for an inline `<style>`: CSS reads `\/` as `/`. */
export function styleForInline(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}
