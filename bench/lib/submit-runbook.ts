/**
 * The runbook P2 submits: a generated PowerShell script (Target: cloud), the values its form
 * accepts (Server matches ^[a-z]+\d{2}$), and the parameters it is published with in the local
 * ARM endpoint — those of its generated param() block.
 */
import { renderScript } from '../generate-scripts.js';

export const SUBMIT_RUNBOOK = renderScript(0).file.replace(/\.ps1$/, '');

export const SUBMIT_VALUES = { 'p.Server': 'web01', 'p.Environment': 'dev', 'p.Retries': '2' };

const text = (isMandatory = false) => ({ type: 'System.String', isMandatory });

export const PUBLISHED_PARAMETERS = {
  Server: text(true),
  Environment: text(true),
  Retries: { type: 'System.Int32', isMandatory: false },
  Reason: text(),
  ApiToken: text(),
  NotBefore: { type: 'System.DateTime', isMandatory: false },
  Components: { type: 'System.String[]', isMandatory: false },
  Force: { type: 'System.Management.Automation.SwitchParameter', isMandatory: false },
};
