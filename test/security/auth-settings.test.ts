import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { loadConfig } from '../../src/config.js';
import { assertSafeToStart, createBotAuthentication, isTenantAllowed, UnsafeStartError } from '../../src/server/auth.js';
import { OpenIdIssuer } from '../support/openid-issuer.js';

const APP_ID = '9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11';
const HOME_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = 'b2c8e1f0-0000-4000-8000-00000000beef';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

describe('authentication settings', () => {
  describe('createBotAuthentication for each app type', () => {
    let issuer: OpenIdIssuer;
    const consoleError = console.error;
    before(async () => {
      console.error = () => {}; // botbuilder logs each refusal; the assertions below are what count.
      issuer = await OpenIdIssuer.start();
    });
    after(async () => {
      console.error = consoleError;
      await issuer.close();
    });

    const appTypes: [string, Record<string, string>][] = [
      ['MultiTenant', { MicrosoftAppType: 'MultiTenant', MicrosoftAppPassword: 'secret', ALLOWED_TENANTS: HOME_TENANT }],
      ['SingleTenant', { MicrosoftAppType: 'SingleTenant', MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: HOME_TENANT }],
      ['UserAssignedMSI', { MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: HOME_TENANT }],
    ];
    for (const [appType, env] of appTypes) {
      it(`${appType}: accepts a channel token for the app id and refuses one for another app`, async () => {
        const config = loadConfig({ MicrosoftAppId: APP_ID, BOT_OPENID_METADATA_URL: issuer.metadataUrl, ...env });
        const auth = createBotAuthentication(config);
        const activity = { type: 'message', channelId: 'msteams', serviceUrl: SERVICE_URL } as Activity;
        const good = await issuer.channelToken({ appId: APP_ID, serviceUrl: SERVICE_URL });
        const result = await auth.authenticateRequest(activity, `Bearer ${good}`);
        expect(result.claimsIdentity.isAuthenticated).to.equal(true);
        expect(result.claimsIdentity.getClaimValue('aud')).to.equal(APP_ID);
        expect(result.callerId).to.equal('urn:botframework:azure');

        const other = await issuer.channelToken({ appId: '00000000-1111-2222-3333-444444444444', serviceUrl: SERVICE_URL });
        let status: number | undefined;
        await auth.authenticateRequest(activity, `Bearer ${other}`).catch((error: { statusCode?: number }) => (status = error.statusCode));
        expect(status).to.equal(401);
      });
    }

    it('turns token errors botbuilder does not classify (bad signature) into 401s', async () => {
      const config = loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret', ALLOWED_TENANTS: HOME_TENANT, BOT_OPENID_METADATA_URL: issuer.metadataUrl });
      const auth = createBotAuthentication(config);
      const forged = await issuer.channelToken({ appId: APP_ID, serviceUrl: SERVICE_URL, key: 'unpublished-same-kid' });
      let caught: unknown;
      await auth
        .authenticateRequest({ type: 'message', channelId: 'msteams', serviceUrl: SERVICE_URL } as Activity, `Bearer ${forged}`)
        .catch((error) => (caught = error));
      // CloudAdapter answers AuthenticationError with 401 and anything else with 500.
      expect(caught).to.be.instanceOf(AuthenticationError).and.to.include({ statusCode: 401 });
    });

    it('without an app id (development) lets requests through anonymously', async () => {
      const auth = createBotAuthentication(loadConfig({}));
      const result = await auth.authenticateRequest({ type: 'message', channelId: 'msteams', serviceUrl: SERVICE_URL } as Activity, '');
      expect(result.claimsIdentity.claims).to.deep.equal([]);
      expect(result.callerId).to.equal(null);
    });
  });

  describe('assertSafeToStart', () => {
    const cases: [string, Record<string, string>, boolean][] = [
      ['no app id on loopback (the default)', {}, true],
      ['no app id on 127.0.0.2', { HOST: '127.0.0.2' }, true],
      ['no app id on ::1', { HOST: '::1' }, true],
      ['no app id on all interfaces', { HOST: '0.0.0.0' }, false],
      ['no app id on all interfaces, development only implied', { HOST: '0.0.0.0', SWITCHBOARD_DEV: '' }, false],
      ['no app id on all interfaces with SWITCHBOARD_DEV=true', { HOST: '0.0.0.0', SWITCHBOARD_DEV: 'true' }, true],
      ['an app id on all interfaces', { HOST: '0.0.0.0', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', ALLOWED_TENANTS: HOME_TENANT }, true],
    ];
    for (const [name, env, safe] of cases) {
      it(`${safe ? 'starts' : 'refuses to start'} with ${name}`, () => {
        const config = loadConfig(env);
        if (safe) expect(() => assertSafeToStart(config, env)).not.to.throw();
        else
          expect(() => assertSafeToStart(config, env))
            .to.throw(UnsafeStartError)
            .with.property('message')
            .that.contains('Refusing to start: no MicrosoftAppId is set')
            .and.contains('HOST=0.0.0.0')
            .and.contains('SWITCHBOARD_DEV=true');
      });
    }
  });

  describe('isTenantAllowed', () => {
    const cases: [string, Record<string, string>, string | undefined, boolean][] = [
      ['a listed tenant', { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', ALLOWED_TENANTS: `${OTHER_TENANT},${HOME_TENANT}` }, HOME_TENANT, true],
      ['a listed tenant in other case', { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', ALLOWED_TENANTS: HOME_TENANT }, HOME_TENANT.toUpperCase(), true],
      ['an unlisted tenant', { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', ALLOWED_TENANTS: HOME_TENANT }, OTHER_TENANT, false],
      ['no tenant when a list is set', { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', ALLOWED_TENANTS: HOME_TENANT }, undefined, false],
      ['the home tenant of a SingleTenant bot without a list', { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: HOME_TENANT }, HOME_TENANT, true],
      ['another tenant for a SingleTenant bot without a list', { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 's', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: HOME_TENANT }, OTHER_TENANT, false],
      ['any tenant in development without a list', {}, OTHER_TENANT, true],
      ['no tenant in development without a list (playground)', {}, undefined, true],
    ];
    for (const [name, env, tenant, allowed] of cases) {
      it(`${allowed ? 'serves' : 'ignores'} ${name}`, () => {
        expect(isTenantAllowed(loadConfig(env), tenant)).to.equal(allowed);
      });
    }
  });
});
