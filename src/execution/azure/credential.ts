/**
 * The Azure credential Switchboard signs Resource Manager calls with. Production uses
 * DefaultAzureCredential (managed identity in Azure; environment variables, workload identity or
 * `az login` elsewhere); tests pass a static TokenCredential. Token failures are turned into an
 * 'auth_failed' error here because by the time they surface from the HTTP pipeline they look like
 * any other exception.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { ArmError } from './arm-errors.js';

export function defaultArmCredential(): TokenCredential {
  return new DefaultAzureCredential();
}

/** `https://management.azure.com/.default` for the public cloud; sovereign clouds follow their endpoint. */
export function armScope(armEndpoint: string): string {
  return `${new URL(armEndpoint).origin}/.default`;
}

const TOKEN_HINT =
  'In Azure, enable the managed identity of the bot host (set AZURE_CLIENT_ID for a user-assigned one); ' +
  'on a laptop run `az login`; in CI sign in with azure/login (OIDC) or set AZURE_TENANT_ID, AZURE_CLIENT_ID and a federated token.';

export function reportTokenFailures(credential: TokenCredential): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      let token: AccessToken | null;
      try {
        token = await credential.getToken(scopes, options);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ArmError(`Could not get an access token for Azure Resource Manager: ${reason}`, 'auth_failed', TOKEN_HINT);
      }
      if (!token) throw new ArmError('The Azure credential returned no access token for Azure Resource Manager.', 'auth_failed', TOKEN_HINT);
      return token;
    },
  };
}
