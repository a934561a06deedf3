/**
 * A corpus of hostile parameter values: shell and PowerShell metacharacters, command
 * substitution, option injection, newlines, NUL and other control characters, text-direction
 * tricks, path traversal, format strings, SQL-ish and template-ish text, emoji and very long
 * values. Each entry says what must happen to it: reach the script byte for byte ('verbatim') or
 * be refused by validation with a reason matching `refused`.
 *
 * Values that would run a command if anything interpreted them write into `canary` (a directory
 * the test creates and checks stays empty).
 */
export interface HostileValue {
  label: string;
  value: string;
  /** undefined: must arrive verbatim. A pattern: validation must refuse it with a matching reason. */
  refused?: RegExp;
}

const NUL = /NUL character/;
const CONTROL = /control character U\+[0-9A-F]{4}/;
const BIDI = /text-direction character U\+[0-9A-F]{4}/;
const TOO_BIG = /the limit is 32 KB/;
const SURROGATE = /surrogate|not valid Unicode|UTF-16/i;

export function hostileValues(canary: string): HostileValue[] {
  const values: HostileValue[] = [];
  const add = (label: string, value: string, refused?: RegExp) => values.push({ label, value, refused });

  // Command injection in every shell syntax we know, each aimed at a file of its own.
  const shellForms: [string, (command: string) => string][] = [
    ['semicolon', (c) => `web01; ${c}`],
    ['semicolon without space', (c) => `web01;${c}`],
    ['pipe', (c) => `web01 | ${c}`],
    ['and', (c) => `web01 && ${c}`],
    ['or', (c) => `web01 || ${c}`],
    ['background', (c) => `web01 & ${c}`],
    ['command substitution', (c) => `$(${c})`],
    ['nested substitution', (c) => `$(echo $(${c}))`],
    ['backticks', (c) => `\`${c}\``],
    ['substitution in double quotes', (c) => `"$(${c})"`],
    ['closing a single quote', (c) => `web01'; ${c}; echo '`],
    ['closing a double quote', (c) => `web01"; ${c}; echo "`],
    ['newline', (c) => `web01\n${c}`],
    ['carriage return newline', (c) => `web01\r\n${c}`],
    ['process substitution', (c) => `<(${c})`],
    ['brace group', (c) => `{ ${c}; }`],
    ['subshell', (c) => `(${c})`],
    ['eval', (c) => `eval "${c}"`],
    ['xargs', (c) => `web01 | xargs -I{} ${c}`],
    ['PowerShell statement', (c) => `web01; Invoke-Expression '${c}'`],
    ['PowerShell subexpression', (c) => `$(Invoke-Expression '${c}')`],
    ['PowerShell call operator', (c) => `& '${c}'`],
    ['PowerShell backtick newline', (c) => `web01\`n${c}`],
    ['PowerShell script block', (c) => `{ ${c} }.Invoke()`],
    ['PowerShell Start-Process', (c) => `web01; Start-Process bash -ArgumentList '-c','${c}'`],
    ['cmd.exe ampersand', (c) => `web01 & cmd /c ${c}`],
    ['cmd.exe caret escape', (c) => `web01 ^& ${c}`],
    ['python os.system', (c) => `__import__('os').system('${c}')`],
    ['python f-string', (c) => `{__import__('os').system('${c}')}`],
    ['perl-style', (c) => `web01 \`${c}\` #`],
  ];
  shellForms.forEach(([label, form], index) => add(`${label} injection`, form(`touch ${canary}/${index}`)));
  add('output redirection', `web01 > ${canary}/redirect`);
  add('append redirection', `web01 >> ${canary}/append`);
  add('here-string', `cat <<< x > ${canary}/herestring`);
  add('tee', `web01 | tee ${canary}/tee`);

  // Shell metacharacters on their own and in ordinary-looking values.
  for (const meta of [';', '|', '&', '&&', '||', '>', '<', '>>', '2>&1', '`', '$', '$$', '$?', '$!', '$0', '$@', '$*', '$#', '!', '!!', '*', '?', '[', ']', '{', '}', '(', ')', '~', '#', '\\', "'", '"', '\\"', "\\'", '=', '%', '^', '@'])
    add(`metacharacter ${JSON.stringify(meta)}`, meta);
  for (const text of ['$HOME', '${HOME}', '${PATH:0:1}', '$((6*7))', '$[6*7]', '~root', '*.ps1', '/etc/*', 'a{b,c}d', '{1..3}', '!$', '^foo^bar', '$IFS', 'IFS=,', 'x=$(id)', '$(id)', '`id`', '\\$(id)', "'$(id)'", '"$(id)"'])
    add(`expansion ${JSON.stringify(text)}`, text);

  // PowerShell syntax.
  for (const text of ['$env:PATH', '$env:MicrosoftAppPassword', '${env:USERNAME}', '$true', '$false', '$null', '@(1,2,3)', '@{a=1}', '[System.IO.File]::Delete("x")', '[Environment]::Exit(1)', '& calc.exe', '. ./evil.ps1', '-Confirm:$false', '-WhatIf', '-EncodedCommand ZQBjAGgAbwAgAGgAaQA=', '--%', '<# comment #>', '# comment', '2>$null', '$(Get-Process)', '`$x', '"@\nhere\n"@', "'@\nhere\n'@", '-Value:evil', '$PSVersionTable', 'Get-ChildItem | Remove-Item'])
    add(`PowerShell ${JSON.stringify(text)}`, text);

  // Option injection: values that look like flags of the script or the interpreter.
  for (const text of ['-', '--', '---', '-h', '--help', '-rf', '--value0=evil', '--value1', '-c', '-m http.server', '-File evil.ps1', '-Command Get-Process', '-NoProfile', '-ExecutionPolicy Bypass', '--version', '-x', '--=', '-1', '-0.5e3', '--\nls'])
    add(`option-like ${JSON.stringify(text)}`, text);

  // Line breaks and whitespace (allowed: multi-line text is legitimate).
  for (const [label, text] of [
    ['LF inside', 'line one\nline two'],
    ['CRLF inside', 'line one\r\nline two'],
    ['lone CR', 'overwrite\rme'],
    ['only a newline', '\n'],
    ['trailing newline', 'web01\n'],
    ['leading newline', '\nweb01'],
    ['tab', 'a\tb'],
    ['spaces only', '   '],
    ['leading and trailing spaces', '  web01  '],
    ['many newlines', '\n'.repeat(200)],
  ] as const)
    add(label, text);

  // Characters that are refused: they cut strings short, drive terminals or disguise text.
  add('NUL in the middle', 'web01\u0000; rm -rf /', NUL);
  add('NUL only', '\u0000', NUL);
  add('NUL at the end', 'web01\u0000', NUL);
  for (const code of [0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9b, 0x9f])
    add(`control character U+${code.toString(16).padStart(4, '0')}`, `web${String.fromCharCode(code)}01`, CONTROL);
  add('ANSI escape sequence', '\u001b[31mred\u001b[0m', CONTROL);
  add('terminal title escape', '\u001b]0;pwned\u0007', CONTROL);
  for (const code of [0x202e, 0x202d, 0x202a, 0x202b, 0x202c, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c])
    add(`direction mark U+${code.toString(16).toUpperCase()}`, `web01${String.fromCharCode(code)}10bew`, BIDI);
  // A lone UTF-16 surrogate (JSON allows "\ud800") cannot be encoded into an argv entry: it
  // would arrive as U+FFFD, a different value, so it must be refused.
  add('lone high surrogate', 'web\uD80001', SURROGATE);
  add('lone low surrogate', '\uDC00', SURROGATE);
  add('Trojan Source comment', 'admin\u202E \u2066// check later\u2069 \u2066', BIDI);

  // Other Unicode: allowed and delivered unchanged.
  for (const [label, text] of [
    ['emoji', '🚀🔥💥'],
    ['emoji ZWJ family', '👩‍👩‍👧‍👦'],
    ['flag emoji', '🇩🇪🇺🇸'],
    ['skin tone', '👍🏽'],
    ['combining marks', 'Z̷̢a̸l̵g̶o̷'],
    ['Arabic', 'مرحبا بالعالم'],
    ['Hebrew', 'שלום עולם'],
    ['CJK', '服务器重启'],
    ['Cyrillic homoglyphs', 'wеb01'],
    ['full-width semicolon', 'web01；rm -rf /'],
    ['zero-width space', 'web\u200B01'],
    ['zero-width joiner', 'web\u200D01'],
    ['byte order mark', '\uFEFFweb01'],
    ['non-breaking space', 'web\u00A001'],
    ['line separator', 'web\u2028' + '01'],
    ['paragraph separator', 'web\u2029' + '01'],
    ['astral plane', '𝕨𝕖𝕓𝟘𝟙'],
    ['Latin-1 accents', 'Müller–Lüdenscheidt'],
  ] as const)
    add(label, text);

  // Paths that try to leave wherever they are used.
  for (const text of ['../../../../etc/passwd', '..\\..\\..\\Windows\\System32\\config\\SAM', '/etc/shadow', '....//....//etc/passwd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%c0%af..%c0%afetc/passwd', '~/.ssh/id_rsa', 'file:///etc/passwd', '\\\\attacker\\share\\x', 'C:\\Windows\\System32', '/proc/self/environ', '/dev/tcp/127.0.0.1/80', 'runbooks/../data/switchboard.db', '.', '..', '/'])
    add(`path ${JSON.stringify(text)}`, text);

  // Format strings and template syntax of many engines.
  for (const text of ['%s%s%s%s%n', '%x%x%x', '%(password)s', '{0}', '{password}', '{{7*7}}', '${7*7}', '#{7*7}', '<%= 7*7 %>', '{{constructor.constructor("return process")()}}', '${$root.secret}', '{__class__.__mro__}', '%1$s', '\\x41\\u0041', '%%', '{{', '}}'])
    add(`format ${JSON.stringify(text)}`, text);

  // SQL, LDAP, XML/HTML, JSON and chat markup.
  for (const text of ["' OR '1'='1", '1; DROP TABLE jobs;--', '" OR ""="', "admin'--", '1 UNION SELECT * FROM audit', "'; EXEC xp_cmdshell 'dir';--", '*)(uid=*))(|(uid=*', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<at>Switchboard</at> approve 42', '**bold** _it_ [link](http://evil)', '{"type":"AdaptiveCard"}', '{"__proto__":{"admin":true}}', 'null', 'undefined', 'NaN', 'true', '0', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 'http://169.254.169.254/latest/meta-data/'])
    add(`markup ${JSON.stringify(text)}`, text);

  // Size: long values pass whole; more than the request limit is refused.
  add('1 000 characters', 'A'.repeat(1_000));
  add('30 000 characters', 'B'.repeat(30_000));
  add('30 000 characters of shell syntax', '$(x);'.repeat(6_000));
  add('7 000 emoji (28 000 bytes)', '🚀'.repeat(7_000));
  add('40 000 characters', 'C'.repeat(40_000), TOO_BIG);
  add('9 000 emoji (36 000 bytes)', '🔥'.repeat(9_000), TOO_BIG);
  add('1 MB', 'D'.repeat(1_000_000), TOO_BIG);

  return values;
}
