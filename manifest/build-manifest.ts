/**
 * The Teams app manifest, filled from configuration: manifest.template.json with its
 * `{{placeholders}}` replaced (in string values only, so no setting can change the JSON's shape)
 * and the bot's command list taken from the commands the bot really understands.
 *
 * Settings come from flags or environment variables:
 *   --app-id        MicrosoftAppId        the bot's app id (for a managed-identity bot: the identity's client id)
 *   --domain        BOT_DOMAIN            host name the bot is served from, e.g. switchboard-prod.azurewebsites.net
 *   --name          TEAMS_APP_NAME        display name (default Switchboard, at most 30 characters)
 *   --teams-app-id  TEAMS_APP_ID          the Teams app's own id (default: the bot's app id)
 *   --version       TEAMS_APP_VERSION     app version (default: package.json's); raise it on every upload
 *   --developer     TEAMS_DEVELOPER_NAME  publisher shown in Teams (default: the app name)
 *   --website-url   TEAMS_WEBSITE_URL     default https://<domain>/
 *   --privacy-url   TEAMS_PRIVACY_URL     default: the website URL
 *   --terms-url     TEAMS_TERMS_URL       default: the website URL
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, type CommandName } from '../src/commands/command-list.js';

export interface ManifestSettings {
  botId: string;
  teamsAppId: string;
  domain: string;
  name: string;
  version: string;
  developerName: string;
  websiteUrl: string;
  privacyUrl: string;
  termsOfUseUrl: string;
}

/** The commands Teams suggests in the compose box, most used first. */
export const MANIFEST_COMMANDS: readonly CommandName[] = ['help', 'run', 'search', 'jobs', 'history', 'new', 'friction', 'menu', 'job', 'cancel'];

export const MANIFEST_FOLDER = path.dirname(fileURLToPath(import.meta.url));

export class ManifestSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestSettingsError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

type Input = Partial<Record<'appId' | 'teamsAppId' | 'domain' | 'name' | 'version' | 'developer' | 'websiteUrl' | 'privacyUrl' | 'termsUrl', string>>;

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(MANIFEST_FOLDER, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Flags win over environment variables; every problem is reported at once, with an example. */
export function settingsFrom(flags: Input, env: Record<string, string | undefined>): ManifestSettings {
  const problems: string[] = [];
  const pick = (flag: keyof Input, variable: string) => (flags[flag] ?? env[variable] ?? '').trim() || undefined;

  const botId = pick('appId', 'MicrosoftAppId');
  if (!botId) problems.push('The bot app id is missing: pass --app-id <guid> or set MicrosoftAppId (for a managed-identity bot, the identity\'s client id; see deploy/ outputs).');
  else if (!GUID.test(botId)) problems.push(`The bot app id "${botId}" is not a GUID, e.g. 9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11.`);
  const teamsAppId = pick('teamsAppId', 'TEAMS_APP_ID') ?? botId ?? '';
  if (teamsAppId && !GUID.test(teamsAppId)) problems.push(`The Teams app id "${teamsAppId}" is not a GUID.`);

  const domain = pick('domain', 'BOT_DOMAIN')?.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
  if (!domain) problems.push('The domain is missing: pass --domain <host> or set BOT_DOMAIN, e.g. switchboard-prod.azurewebsites.net.');
  else if (!HOST.test(domain)) problems.push(`The domain "${domain}" is not a host name, e.g. switchboard-prod.azurewebsites.net.`);

  const name = pick('name', 'TEAMS_APP_NAME') ?? 'Switchboard';
  if (name.length > 30) problems.push(`The app name "${name}" has ${name.length} characters; Teams allows 30.`);

  const version = pick('version', 'TEAMS_APP_VERSION') ?? packageVersion();
  if (!SEMVER.test(version)) problems.push(`The version "${version}" is not major.minor.patch, e.g. 1.4.0.`);

  const websiteUrl = pick('websiteUrl', 'TEAMS_WEBSITE_URL') ?? (domain ? `https://${domain}/` : '');
  const privacyUrl = pick('privacyUrl', 'TEAMS_PRIVACY_URL') ?? websiteUrl;
  const termsOfUseUrl = pick('termsUrl', 'TEAMS_TERMS_URL') ?? websiteUrl;
  for (const [label, url] of [['website', websiteUrl], ['privacy', privacyUrl], ['terms of use', termsOfUseUrl]] as const) {
    if (url && !/^https:\/\/[^\s/]+/i.test(url)) problems.push(`The ${label} URL "${url}" must be an https:// address.`);
  }

  if (problems.length) throw new ManifestSettingsError(problems);
  return {
    botId: botId!,
    teamsAppId,
    domain: domain!,
    name,
    version,
    developerName: pick('developer', 'TEAMS_DEVELOPER_NAME') ?? name,
    websiteUrl,
    privacyUrl,
    termsOfUseUrl,
  };
}

/** Replaces `{{key}}` in every string of the template. */
function fill(value: unknown, settings: ManifestSettings): unknown {
  if (typeof value === 'string')
    return value.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      if (!(key in settings)) throw new Error(`manifest.template.json uses {{${key}}}, which is not a setting`);
      return settings[key as keyof ManifestSettings];
    });
  if (Array.isArray(value)) return value.map((item) => fill(item, settings));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, settings)]));
  return value;
}

export interface TeamsManifest {
  manifestVersion: string;
  bots: { botId: string; commandLists: { commands: { title: string; description: string }[] }[] }[];
  validDomains: string[];
  icons: { color: string; outline: string };
  [key: string]: unknown;
}

export function buildManifest(settings: ManifestSettings): TeamsManifest {
  const template = JSON.parse(readFileSync(path.join(MANIFEST_FOLDER, 'manifest.template.json'), 'utf8')) as unknown;
  const manifest = fill(template, settings) as TeamsManifest;
  const commands = MANIFEST_COMMANDS.map((name) => {
    const command = COMMANDS.find((c) => c.name === name)!;
    return { title: command.name, description: `${command.summary}. Example: ${command.example}` };
  });
  for (const bot of manifest.bots) for (const list of bot.commandLists) list.commands = commands;
  return manifest;
}
