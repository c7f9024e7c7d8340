import {
  columnRefs,
  findCycle,
  substituteRefs,
} from '../../src/modules/custom-columns/dependencies/column-refs';
import { askModel, routeModel } from '../../src/modules/custom-columns/run/model-routing';
import {
  answerSchema,
  describeType,
  parseMarkdownAnswer,
  userPrompt,
} from '../../src/modules/custom-columns/run/column-prompts';
import {
  coerceValue,
  matchEnum,
  responseConfigProblem,
} from '../../src/modules/custom-columns/run/response-types';
import { applySearchCheck } from '../../src/modules/custom-columns/run/search-validation';
import {
  batchPercent,
  batchReports,
} from '../../src/modules/custom-columns/run/custom-column.task';
import { callbackEntities } from '../../src/modules/custom-columns/run/column-result';

describe('response types: coercion and validation', () => {
  it('string: non-strings become text; longer than max_length is refused', () => {
    expect(coerceValue('string', 'Acme builds robots', {})).toMatchObject({
      ok: true,
      value: { value_string: 'Acme builds robots' },
    });
    expect(coerceValue('string', 42, {})).toMatchObject({
      ok: true,
      value: { value_string: '42' },
    });
    const long = coerceValue('string', 'x'.repeat(11), { max_length: 10 });
    expect(long).toEqual({ ok: false, why: 'the value has 11 characters, more than 10' });
  });

  it('number: numerals (with thousands separators) within min/max; words and units refused', () => {
    expect(coerceValue('number', '1,200', {})).toMatchObject({ value: { value_number: 1200 } });
    expect(coerceValue('number', 3.5, { min: 0, max: 5 })).toMatchObject({
      value: { value_number: 3.5 },
    });
    expect(coerceValue('number', '$3.5M', {}).ok).toBe(false);
    expect(coerceValue('number', 'about forty', {}).ok).toBe(false);
    expect(coerceValue('number', 12, { max: 10 })).toEqual({
      ok: false,
      why: 'the value 12 is above the maximum 10',
    });
    expect(coerceValue('number', -1, { min: 0 })).toEqual({
      ok: false,
      why: 'the value -1 is below the minimum 0',
    });
  });

  it('boolean: true/yes/1 and false/no/0, anything else refused', () => {
    for (const t of [true, 'yes', 'True', '1', 1])
      expect(coerceValue('boolean', t, {})).toMatchObject({ value: { value_boolean: true } });
    for (const f of [false, 'no', 'FALSE', '0', 0])
      expect(coerceValue('boolean', f, {})).toMatchObject({ value: { value_boolean: false } });
    expect(coerceValue('boolean', 'maybe', {}).ok).toBe(false);
  });

  it('enum: one of the allowed values (case, spacing, quotes ignored), else refused', () => {
    const c = { allowed_values: ['Small', 'Mid-Market', 'Enterprise'] };
    expect(coerceValue('enum', 'enterprise', c)).toMatchObject({
      value: { value_enum: 'Enterprise' },
    });
    expect(coerceValue('enum', '"mid market"', c)).toMatchObject({
      value: { value_enum: 'Mid-Market' },
    });
    expect(matchEnum('Enterprise (over 1,000 staff)', c.allowed_values)).toBe('Enterprise');
    expect(matchEnum('Small or Enterprise', c.allowed_values)).toBeNull();
    expect(coerceValue('enum', 'Huge', c)).toEqual({
      ok: false,
      why: 'the value "Huge" is not one of the allowed values (Small, Mid-Market, Enterprise)',
    });
  });

  it('json_object: parsed from text, checked against the schema', () => {
    const schema = {
      type: 'object',
      properties: { ceo: { type: 'string' }, founded: { type: 'integer' } },
      required: ['ceo'],
    };
    expect(coerceValue('json_object', '{"ceo":"Dana"}', { schema })).toMatchObject({
      value: { value_json: { ceo: 'Dana' } },
    });
    const bad = coerceValue('json_object', { founded: 'x' }, { schema });
    expect(bad.ok).toBe(false);
    expect((bad as { why: string }).why).toMatch(/does not match the column's schema/);
    expect(coerceValue('json_object', 'not json', { schema }).ok).toBe(false);
  });

  it('a missing value is refused for every type', () => {
    for (const t of ['string', 'number', 'boolean', 'enum', 'json_object'] as const)
      expect(coerceValue(t, null, {}).ok).toBe(false);
  });

  it('response_config problems name the field', () => {
    expect(responseConfigProblem('enum', {})).toMatchObject({ field: 'allowed_values' });
    expect(responseConfigProblem('enum', { allowed_values: [] })).toMatchObject({
      field: 'allowed_values',
    });
    expect(responseConfigProblem('json_object', { schema: { type: 'nonsense' } })).toMatchObject({
      field: 'schema',
    });
    expect(responseConfigProblem('number', { min: 5, max: 1 })).toMatchObject({ field: 'min' });
    expect(responseConfigProblem('boolean', {})).toBeNull();
    expect(responseConfigProblem('string', { max_length: 200 })).toBeNull();
  });
});

describe('prompts (A6)', () => {
  const spec = {
    question: 'Which segment is this company in?',
    response_type: 'enum' as const,
    response_config: { allowed_values: ['SMB', 'Enterprise'] },
    examples: ['Enterprise'],
    validation_rules: ['Use employee count'],
    entity_type: 'account' as const,
  };

  it('the enum allowed values, examples, rules, date and entity reach the prompt (A9.9 fixed)', () => {
    const p = userPrompt(spec, { account_info: { name: 'Globex' } }, '2026-12-02');
    expect(p).toContain('"SMB", "Enterprise"');
    expect(p).toContain("Today's date: 2026-12-02");
    expect(p).toContain('<question>\nWhich segment is this company in?\n</question>');
    expect(p).toContain('Use employee count');
    expect(p).toContain('"name": "Globex"');
  });

  it('a huge entity context is cut, and says so', () => {
    const p = userPrompt(spec, { activity: 'x'.repeat(100_000) }, '2026-12-02');
    expect(p.length).toBeLessThan(62_000);
    expect(p).toMatch(/… \(context cut at 60000 of 1000\d\d characters\)\n<\/entity>$/);
  });

  it('number types carry unit and bounds; the answer schema needs sources with internet', () => {
    expect(describeType('number', { min: 0, max: 100, unit: 'percent' })).toBe(
      'a number (digits only: no units, words or thousands separators), expressed in percent, from 0 to 100',
    );
    const s = answerSchema(spec, true) as any;
    expect(s.properties.sources.minItems).toBe(1);
    expect(s.properties.value.anyOf[0]).toEqual({ type: 'string', enum: ['SMB', 'Enterprise'] });
    expect((answerSchema(spec, false) as any).properties.sources.minItems).toBeUndefined();
  });

  it('reads the unstructured Markdown answer (answer, confidence word, rationale, sources)', () => {
    const md = [
      '**Answer:** Enterprise',
      '**Confidence:** High',
      '**Rationale:** It has **12,000** employees.',
      '**Sources:**',
      'https://globex.example/about',
    ].join('\n');
    expect(parseMarkdownAnswer(md)).toEqual({
      analysis: '',
      value: 'Enterprise',
      confidence_score: 0.9,
      rationale: 'It has **12,000** employees.',
      sources: ['https://globex.example/about'],
    });
    expect(parseMarkdownAnswer('I do not know')).toBeNull();
  });
});

describe('column dependencies', () => {
  const graph = new Map([
    ['size', []],
    ['segment', ['size']],
    ['pitch', ['segment', 'size']],
  ]);

  it('reads {{column:<id>}} references and substitutes values', () => {
    const q = 'Given {{column:segment}} and {{ column:size }}, and {{column:segment}} again?';
    expect(columnRefs(q)).toEqual(['segment', 'size']);
    expect(substituteRefs(q, new Map([['segment', 'SMB']]))).toBe(
      'Given SMB and {{ column:size }}, and SMB again?',
    );
  });

  it('finds cycles, including through a redefinition and a self-reference', () => {
    expect(findCycle('size', ['pitch'], graph)).toEqual(['size', 'pitch', 'segment', 'size']);
    expect(findCycle('x', ['x'], graph)).toEqual(['x', 'x']);
    expect(findCycle('email', ['pitch'], graph)).toBeNull();
  });
});

describe('model routing', () => {
  const all = { configured: new Set(['openai', 'gemini', 'perplexity']), listed: ['llama3.1:8b'] };

  it('routes by family and by what the compatible server lists', () => {
    expect(routeModel('gpt-4.1-mini', all)).toEqual({
      ok: true,
      provider: 'openai',
      model: 'gpt-4.1-mini',
    });
    expect(routeModel('o4-mini', all)).toMatchObject({ provider: 'openai' });
    expect(routeModel('gemini-2.5-flash', all)).toMatchObject({ provider: 'gemini' });
    expect(routeModel('sonar-pro', all)).toMatchObject({ provider: 'perplexity' });
    expect(routeModel('llama3.1:8b', all)).toMatchObject({ provider: 'openai' });
  });

  it("a web-searched OpenAI column leaves the model to OpenAI's search model unless it names one", () => {
    expect(askModel('openai', 'gpt-4o-mini', true)).toBeUndefined();
    expect(askModel('openai', 'gpt-4o-search-preview', true)).toBe('gpt-4o-search-preview');
    expect(askModel('openai', 'gpt-4o-mini', false)).toBe('gpt-4o-mini');
    expect(askModel('openai', 'llama3.1:8b', true)).toBe('llama3.1:8b');
    expect(askModel('gemini', 'gemini-2.5-flash', true)).toBe('gemini-2.5-flash');
  });

  it('an unknown model lists the available ones; a known family without its provider says how to enable it', () => {
    const some = { configured: new Set(['openai']), listed: ['qwen2.5'] };
    expect(routeModel('claude-3', some)).toEqual({
      ok: false,
      known: false,
      message:
        'unknown model "claude-3"; available: gpt-*, o1*/o3*/o4* (OpenAI), qwen2.5 (OpenAI-compatible server)',
    });
    expect(routeModel('gemini-2.0-flash', some)).toEqual({
      ok: false,
      known: true,
      message:
        'model "gemini-2.0-flash" is served by gemini, which is not configured (set GEMINI_API_KEY)',
    });
  });
});

describe('search validation effects (A6)', () => {
  const check = (status: any, corrected?: unknown) => ({
    validation_status: status,
    confidence: 0.8,
    validation_notes: 'Checked the About page.',
    corrected_answer: corrected,
    sources: ['https://globex.example/about'],
  });

  it('validated_correct raises confidence by 0.1, at most 0.95', () => {
    expect(applySearchCheck(0.7, 'r', check('validated_correct')).confidence).toBe(0.8);
    expect(applySearchCheck(0.9, 'r', check('validated_correct')).confidence).toBe(0.95);
  });

  it('validated_incorrect lowers it by 0.2 (at least 0.1) and replaces the value', () => {
    const e = applySearchCheck(0.25, 'Old rationale', check('validated_incorrect', 'Enterprise'));
    expect(e).toEqual({
      confidence: 0.1,
      replaceWith: 'Enterprise',
      rationale:
        '**Validation:** validated incorrect. Checked the About page.\n\nSources: https://globex.example/about\n\nOld rationale',
    });
  });

  it('insufficient data changes nothing but the rationale', () => {
    const e = applySearchCheck(0.6, 'r', check('insufficient_data'));
    expect(e.confidence).toBe(0.6);
    expect(e.replaceWith).toBeUndefined();
  });
});

describe('progress and callback identity (A2.4, A9.7)', () => {
  it('reports batches as the seed did: every n//10-th and the last, at int(10 + (i+1)/n·80)', () => {
    expect(batchReports(3)).toEqual([true, true, true]);
    const r = batchReports(25);
    expect(r.flatMap((x, i) => (x ? [i] : []))).toEqual([
      0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
    ]);
    expect([0, 1, 2].map((i) => batchPercent(i, 3))).toEqual([36, 63, 90]);
  });

  it("account_id is a lead's own account when the context names it, else entity_ids[0]", () => {
    const base = { column_id: 'c', column_config: {} as any, ai_config: {} };
    expect(
      callbackEntities({
        ...base,
        entity_ids: ['lead-1'],
        entity_type: 'lead',
        context_data: { 'lead-1': { lead_info: { account_id: 'acct-9' } } },
      }),
    ).toEqual({ accountId: 'acct-9', leadId: 'lead-1' });
    expect(
      callbackEntities({ ...base, entity_ids: ['lead-2'], entity_type: 'lead', context_data: {} }),
    ).toEqual({ accountId: 'lead-2', leadId: 'lead-2' });
    expect(
      callbackEntities({
        ...base,
        entity_ids: ['acct-1', 'acct-2'],
        entity_type: 'account',
        context_data: {},
      }),
    ).toEqual({ accountId: 'acct-1', leadId: null });
  });
});
