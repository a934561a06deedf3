/**
 * Characters that are refused in any parameter value. Values reach scripts as argv entries, so
 * nothing here is about shell quoting; these characters are refused because they truncate
 * strings in native code (NUL), drive terminals (other C0/C1 controls, DEL), or make a value
 * read differently from what it is (bidirectional overrides, "Trojan Source").
 * Tab, line feed and carriage return are allowed: multi-line text and lists use them.
 */

const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
/** With the `u` flag only unpaired surrogates are seen as Cs code points; pairs are one character. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Why the text is refused, or undefined when it is acceptable. */
export function unsafeCharacterReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character, which would cut the value short';
  const control = CONTROL_CHARACTERS.exec(text);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `contains the control character U+${code}; only tabs and line breaks are allowed`;
  }
  // JSON can carry an unpaired UTF-16 surrogate; it is not valid Unicode and would reach the
  // script changed (as U+FFFD), so it is refused rather than passed on altered.
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode text';
  const bidi = BIDI_CONTROLS.exec(text);
  if (bidi) {
    const code = bidi[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `contains the invisible text-direction character U+${code}, which can make a value look different from what it is`;
  }
  return undefined;
}

/** Text safe to echo back in a message: controls become spaces, direction marks are dropped. */
export function printable(text: string): string {
  return text
    .replace(new RegExp(CONTROL_CHARACTERS.source, 'gu'), ' ')
    .replace(/[\t\r\n]/g, ' ')
    .replace(new RegExp(BIDI_CONTROLS.source, 'gu'), '');
}
