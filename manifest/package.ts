/**
 * `npm run package:teams [-- --app-id <guid> --domain <host> --out <file.zip>]` writes the Teams
 * app package: a zip holding exactly manifest.json, color.png and outline.png, which a Teams admin
 * uploads in the Teams admin center (or a user with "Upload a custom app"). The manifest is
 * checked against Microsoft's schema before anything is written. Settings: see build-manifest.ts.
 * Exit codes: 0 written, 2 bad settings or invalid manifest.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import JSZip from 'jszip';
import { buildManifest, MANIFEST_FOLDER, ManifestSettingsError, settingsFrom, type TeamsManifest } from './build-manifest.js';
import { ICON_FILES } from './icons.js';
import { validateManifest } from './validate.js';

export const DEFAULT_OUT = path.join(MANIFEST_FOLDER, '..', 'dist', 'switchboard-teams-app.zip');

/** The package's bytes; the order of entries is fixed so the same settings give the same zip. */
export async function packageApp(manifest: TeamsManifest): Promise<Buffer> {
  const zip = new JSZip();
  const date = new Date('2000-01-01T00:00:00Z');
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date });
  zip.file(manifest.icons.color, await readFile(path.join(MANIFEST_FOLDER, ICON_FILES.color)), { date });
  zip.file(manifest.icons.outline, await readFile(path.join(MANIFEST_FOLDER, ICON_FILES.outline)), { date });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

export async function run(argv: string[], env: Record<string, string | undefined>, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'app-id': { type: 'string' },
        'teams-app-id': { type: 'string' },
        domain: { type: 'string' },
        name: { type: 'string' },
        version: { type: 'string' },
        developer: { type: 'string' },
        'website-url': { type: 'string' },
        'privacy-url': { type: 'string' },
        'terms-url': { type: 'string' },
        out: { type: 'string' },
      },
    }));
  } catch (error) {
    err.write(`${(error as Error).message}\nUsage: npm run package:teams -- --app-id <guid> --domain <host> [--name <name>] [--out <file.zip>]\n`);
    return 2;
  }
  let manifest: TeamsManifest;
  try {
    manifest = buildManifest(
      settingsFrom(
        {
          appId: values['app-id'],
          teamsAppId: values['teams-app-id'],
          domain: values.domain,
          name: values.name,
          version: values.version,
          developer: values.developer,
          websiteUrl: values['website-url'],
          privacyUrl: values['privacy-url'],
          termsUrl: values['terms-url'],
        },
        env,
      ),
    );
  } catch (error) {
    if (!(error instanceof ManifestSettingsError)) throw error;
    err.write(`${error.message}\n`);
    return 2;
  }
  const problems = validateManifest(manifest);
  if (problems.length) {
    err.write(`The manifest does not match the Teams schema v${manifest.manifestVersion}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 2;
  }
  const file = path.resolve(values.out ?? DEFAULT_OUT);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await packageApp(manifest));
  out.write(`Wrote ${file}: manifest v${manifest.manifestVersion} for bot ${manifest.bots[0].botId} on ${manifest.validDomains.join(', ')}.\n`);
  out.write('Upload it in the Teams admin center (Teams apps > Manage apps > Upload new app) or in Teams (Apps > Manage your apps > Upload an app).\n');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await run(process.argv.slice(2), process.env, process.stdout, process.stderr);
}
