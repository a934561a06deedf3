/**
 * The Teams app package: the manifest built from settings validates against Microsoft's schema
 * (from the @microsoft/app-manifest npm package, no network), the icons have the sizes and
 * transparency Teams requires, the zip holds exactly the three files, and bad settings stop the
 * packaging with a clear message and a non-zero exit.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { expect } from 'chai';
import JSZip from 'jszip';
import { buildManifest, MANIFEST_COMMANDS, settingsFrom, type TeamsManifest } from '../../manifest/build-manifest.js';
import { colorIcon, outlineIcon } from '../../manifest/icons.js';
import { run } from '../../manifest/package.js';
import { schemaPath, validateManifest } from '../../manifest/validate.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const APP_ID = '9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11';
const DOMAIN = 'switchboard-prod.azurewebsites.net';

interface Png {
  width: number;
  height: number;
  colorType: number;
  /** RGBA bytes, decoded (filter type 0 rows only, which is what the icon generator writes). */
  pixels: Uint8Array;
}

/** Reads a PNG's IHDR and pixels with nothing but zlib, so the test does not trust the encoder's code. */
function readPng(bytes: Buffer): Png {
  expect(bytes.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  expect(header, 'IHDR chunk').to.not.equal(undefined);
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(data));
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    expect(raw[row], `filter type of row ${y}`).to.equal(0);
    pixels.set(raw.subarray(row + 1, row + 1 + width * 4), y * width * 4);
  }
  return { width, height, colorType: header![9], pixels };
}

function manifestFor(overrides: Record<string, string> = {}): TeamsManifest {
  return buildManifest(settingsFrom({}, { MicrosoftAppId: APP_ID, BOT_DOMAIN: DOMAIN, ...overrides }));
}

describe('Teams app manifest and package', function () {
  this.timeout(30_000);

  it('is written for the newest 1.x schema the @microsoft/app-manifest package ships', () => {
    const folder = path.dirname(path.dirname(schemaPath('1.0')));
    const newest = readdirSync(folder)
      .filter((name) => /^v1\.\d+$/.test(name))
      .map((name) => name.slice(1))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
      .pop();
    expect(manifestFor().manifestVersion).to.equal(newest);
  });

  it('validates against the Teams schema, with the bot in personal, team and group chat scopes', () => {
    const manifest = manifestFor({ TEAMS_APP_NAME: 'Ops Switchboard' });
    expect(validateManifest(manifest)).to.deep.equal([]);
    const [bot] = manifest.bots as unknown as { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string }[] }[] }[];
    expect(bot.botId).to.equal(APP_ID);
    expect(manifest.id).to.equal(APP_ID);
    expect(bot.scopes).to.have.members(['personal', 'team', 'groupChat']);
    expect(bot.commandLists[0].commands.map((c) => c.title)).to.include.members(['help', 'run', 'search', 'jobs', 'history', 'new', 'friction']);
    expect(manifest.validDomains).to.deep.equal([DOMAIN]);
    expect((manifest.name as { short: string }).short).to.equal('Ops Switchboard');
    expect(JSON.stringify(manifest)).not.to.match(/\{\{\w+\}\}/);
  });

  it('catches a manifest that breaks the schema (the validator is not a rubber stamp)', () => {
    const manifest = manifestFor();
    (manifest.bots[0] as unknown as { scopes: string[] }).scopes = ['personal', 'meeting'];
    (manifest as Record<string, unknown>).accentColor = 'purple';
    const problems = validateManifest(manifest);
    expect(problems.join('\n')).to.match(/\/bots\/0\/scopes\/1/);
    expect(problems.join('\n')).to.match(/\/accentColor/);
  });

  it('ships a 192×192 colour icon and a 32×32 white-on-transparent outline icon, as the generator draws them', async () => {
    const color = await readFile(path.join(REPO, 'manifest', 'color.png'));
    const outline = await readFile(path.join(REPO, 'manifest', 'outline.png'));
    expect(color.equals(colorIcon()), 'color.png matches manifest/icons.ts; run npx tsx manifest/icons.ts').to.equal(true);
    expect(outline.equals(outlineIcon()), 'outline.png matches manifest/icons.ts; run npx tsx manifest/icons.ts').to.equal(true);

    const colorPng = readPng(color);
    expect([colorPng.width, colorPng.height]).to.deep.equal([192, 192]);
    const outlinePng = readPng(outline);
    expect([outlinePng.width, outlinePng.height]).to.deep.equal([32, 32]);
    expect(outlinePng.colorType).to.equal(6); // RGBA: it can be transparent
    let transparent = 0;
    for (let i = 0; i < outlinePng.pixels.length; i += 4) {
      const [r, g, b, a] = outlinePng.pixels.subarray(i, i + 4);
      if (a === 0) transparent++;
      else expect([r, g, b], `outline pixel ${i / 4} is white`).to.deep.equal([255, 255, 255]);
    }
    expect(transparent / (32 * 32)).to.be.greaterThan(0.5);
    expect(outlinePng.pixels[3], 'top-left corner is transparent').to.equal(0);
  });

  it('npm run package:teams writes a zip with exactly manifest.json, color.png and outline.png', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-teams-'));
    try {
      const out = path.join(dir, 'app.zip');
      const printed: string[] = [];
      const sink = (lines: string[]) => ({ write: (s: string) => lines.push(s) }) as unknown as NodeJS.WritableStream;
      const code = await run(['--app-id', APP_ID, '--domain', `https://${DOMAIN}/`, '--out', out], {}, sink(printed), sink(printed));
      expect(code, printed.join('')).to.equal(0);
      const zip = await JSZip.loadAsync(await readFile(out));
      expect(Object.keys(zip.files).sort()).to.deep.equal(['color.png', 'manifest.json', 'outline.png']);
      const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as TeamsManifest;
      expect(validateManifest(manifest)).to.deep.equal([]);
      expect(manifest.validDomains).to.deep.equal([DOMAIN]);
      expect(manifest.bots[0].commandLists[0].commands).to.have.length(MANIFEST_COMMANDS.length);
      expect(readPng(await zip.file('color.png')!.async('nodebuffer')).width).to.equal(192);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops with a clear message and exit code 2 when the app id is missing or settings are wrong', async () => {
    const exec = promisify(execFile);
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, BOT_DOMAIN: DOMAIN };
    const failure = await exec(process.execPath, ['--import', 'tsx', 'manifest/package.ts'], { cwd: REPO, env }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).to.equal(2);
    expect(failure?.stderr).to.include('The bot app id is missing: pass --app-id <guid> or set MicrosoftAppId');

    expect(() => settingsFrom({ appId: 'not-a-guid', domain: 'bad domain', name: 'x'.repeat(31), version: 'v1' }, {})).to.throw(
      /not a GUID[\s\S]*not a host name[\s\S]*Teams allows 30[\s\S]*not major\.minor\.patch/,
    );
  });
});
