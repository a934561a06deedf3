/**
 * Validates a manifest against Microsoft's Teams manifest JSON schema as shipped in the npm
 * package @microsoft/app-manifest (build/json-schemas/teams/v<version>/MicrosoftTeams.schema.json),
 * so packaging and tests need no network. The schema is JSON Schema draft-04, hence ajv-draft-04,
 * with the formats it uses (uri, email, regex) from ajv-formats — the same set-up the package uses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

// Both are CommonJS modules whose default export is the function/class itself.
const Ajv04 = Ajv04Module as unknown as typeof Ajv04Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export function schemaPath(manifestVersion: string): string {
  const root = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json'));
  return path.join(root, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/** Problems as "<path> <message>", empty when the manifest is valid. */
export function validateManifest(manifest: { manifestVersion: string }): string[] {
  const schema = JSON.parse(readFileSync(schemaPath(manifest.manifestVersion), 'utf8')) as object;
  const ajv = new Ajv04({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'} ${JSON.stringify(e.params)}`);
}
