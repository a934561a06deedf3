import { expect } from 'chai';
import { ConditionSyntaxError, evaluateCondition, parseCondition, type Quantifier } from '../../src/policy/condition.js';
import type { ParameterValue } from '../../src/domain/runbook.js';

describe('policy conditions', () => {
  const cases: [string, Record<string, ParameterValue>, Quantifier, boolean][] = [
    ["Environment == 'prod'", { Environment: 'prod' }, 'every', true],
    ["Environment == 'prod'", { Environment: 'PROD' }, 'every', true],
    ["Environment == 'prod'", { environment: 'prod' }, 'every', true],
    ["Environment == 'prod'", { Environment: 'production' }, 'every', false],
    ["Environment == 'prod'", {}, 'every', false],
    ["Environment != 'prod'", {}, 'every', true],
    ["Environment != 'prod'", { Environment: 'dev' }, 'every', true],
    ["Environment in ['prod', 'dr']", { Environment: 'dr' }, 'every', true],
    ["Environment not in ['prod', 'dr']", { Environment: 'dr' }, 'every', false],
    ["Server matches '^web-[0-9]+$'", { Server: 'WEB-01' }, 'every', true],
    ["Server matches '^web-[0-9]+$'", { Server: 'web-01; rm -rf /' }, 'every', false],
    ['Replicas > 10', { Replicas: 11 }, 'every', true],
    ['Replicas > 10', { Replicas: '11' }, 'every', true],
    ['Replicas > 10', { Replicas: 'eleven' }, 'every', false],
    ['Replicas <= 10 and Replicas >= 2', { Replicas: 2 }, 'every', true],
    ['Replicas < 2', { Replicas: 2 }, 'every', false],
    ['Force == true', { Force: true }, 'every', true],
    ['Force == true', { Force: false }, 'every', false],
    ['Force == false', {}, 'every', false],
    ['Size == 3', { Size: 3.0 }, 'every', true],
    ["Environment == 'prod' or Force == true", { Environment: 'dev', Force: true }, 'every', true],
    ["not (Environment == 'prod')", { Environment: 'dev' }, 'every', true],
    ["Name == 'it\\'s'", { Name: "it's" }, 'every', true],
    // List values: grants hold for every element, restrictions trigger on any element.
    ["Environment == 'dev'", { Environment: ['dev', 'prod'] }, 'every', false],
    ["Environment == 'dev'", { Environment: ['dev', 'dev'] }, 'every', true],
    ["Environment == 'prod'", { Environment: ['dev', 'prod'] }, 'some', true],
    ["Environment != 'prod'", { Environment: ['dev', 'prod'] }, 'every', false],
    ["Environment != 'prod'", { Environment: ['dev', 'qa'] }, 'every', true],
    ["not (Environment == 'prod')", { Environment: ['dev', 'prod'] }, 'every', false],
    ["Environment not in ['prod']", { Environment: ['dev', 'prod'] }, 'every', false],
    ["Environment == 'prod'", { Environment: [] }, 'some', false],
    ["Environment == 'dev'", { Environment: [] }, 'every', false],
  ];
  for (const [text, values, quantifier, expected] of cases) {
    it(`${text} with ${JSON.stringify(values)} (${quantifier}) is ${expected}`, () => {
      expect(evaluateCondition(parseCondition(text), values, quantifier)).to.equal(expected);
    });
  }

  const errors: [string, string, number][] = [
    ["Environment = 'prod'", 'Use == to compare', 12],
    ["Environment == 'prod' && Force == true", 'Use the words and / or', 22],
    ["Environment == 'prod", 'missing its closing', 15],
    ["Environment is 'prod'", 'Expected a comparison', 12],
    ["Environment in 'prod'", 'needs a list', 15],
    ["Environment in ['prod' 'dr']", 'Expected "," or "]"', 23],
    ["Server matches '(['", 'Not a valid regular expression', 15],
    ['Server matches 3', 'quoted regular expression', 15],
    ["Replicas > 'ten'", 'compare numbers', 11],
    ["(Environment == 'prod'", 'never closed', 0],
    ["'prod' == Environment", 'Expected a parameter name', 0],
    ['', 'empty', 0],
    ["Environment == 'prod' Force", 'Expected "and", "or" or the end', 22],
    ["Environment == process.env", 'Unexpected character "."', 22],
  ];
  for (const [text, message, offset] of errors) {
    it(`refuses ${JSON.stringify(text)} saying "${message}" at ${offset}`, () => {
      let caught: unknown;
      try {
        parseCondition(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(ConditionSyntaxError);
      expect((caught as ConditionSyntaxError).message).to.contain(message);
      expect((caught as ConditionSyntaxError).offset).to.equal(offset);
    });
  }
});
