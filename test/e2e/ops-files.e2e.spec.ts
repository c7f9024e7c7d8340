import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { NODE_FLAGS } from '../../src/common/startup/node-flags';
import { authHeaders, useTestApp, waitFor } from '../support/test-app';

/**
 * ops/prometheus/assay-rules.yml and ops/grafana/assay-dashboard.json name only metrics the app
 * exposes, cover every Assay metric family, and each alert has its runbook in docs/operations.md.
 */

const ROOT = join(__dirname, '..', '..');
const RULES_FILE = join(ROOT, 'ops', 'prometheus', 'assay-rules.yml');
const RULES_TEST_FILE = join(ROOT, 'ops', 'prometheus', 'assay-rules.test.yml');
const DASHBOARD_FILE = join(ROOT, 'ops', 'grafana', 'assay-dashboard.json');
const OPERATIONS_DOC = join(ROOT, 'docs', 'operations.md');

/** Series that Prometheus makes itself, not the app. */
const PROMETHEUS_SERIES = new Set(['up']);
/** Assay families with a dashboard panel but no alert rule (docs/operations.md "Alerts" says why). */
const DASHBOARD_ONLY = new Set(['assay_provider_cache_hits_total']);

/** PromQL words that are not metric names. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
  // aggregation operators: `sum by (x) (…)` has no parenthesis right after the name
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** The metric names a PromQL expression selects (labels, functions, keywords and numbers left out). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' $1 ') // label lists
    .replace(/\$\w+/g, ' '); // Grafana variables
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    if (m[2]) continue; // a function call
    if (KEYWORDS.has(m[1].toLowerCase())) continue;
    names.add(m[1]);
  }
  return [...names];
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function loadRules(): Rule[] {
  const doc = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

function dashboardExprs(): string[] {
  type Panel = { targets?: { expr?: string }[]; panels?: Panel[] };
  const dash = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as { panels: Panel[] };
  const out: string[] = [];
  const walk = (ps: Panel[]) => {
    for (const p of ps) {
      for (const t of p.targets ?? []) if (t.expr) out.push(t.expr);
      walk(p.panels ?? []);
    }
  };
  walk(dash.panels);
  return out;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    out.add(
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    );
  }
  return out;
}

describe('metricNames (PromQL)', () => {
  it('keeps metric names and drops labels, functions, keywords, ranges and numbers', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{route!~"/x|y"}[5m]))) > 2.5 ' +
          'and on (job) b_total{job=~"$job"} / 1e-9 unless time() - c offset 5m or vector(0)',
      ).sort(),
    ).toEqual(['a_bucket', 'b_total', 'c']);
  });
});

describe('ops files (Prometheus rules, Grafana dashboard)', () => {
  const app = useTestApp();
  let families: Set<string>;
  let text: string;

  beforeAll(async () => {
    // One task, so the labelled series of the task metrics exist as well.
    const created = await app
      .http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ sleep_ms: 1 })
      .expect(200);
    const id = created.body.job_id as string;
    await waitFor(async () => {
      const res = await app.http().get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200);
      return res.body.status === 'succeeded';
    }, `task ${id} to succeed`);
    // What docs/operations.md says is timed: a 401 of the key guard, an unknown path, a 413.
    await app.http().get('/api/v1/tasks').expect(401);
    await app.http().get('/no-such-path').expect(404);
    await app
      .http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(1_100_000) }))
      .expect(413);
    text = (await app.http().get('/metrics').expect(200)).text;
    families = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
  });

  /** Whether the exposition has the series (a family, or a histogram's _bucket/_sum/_count). */
  const exposed = (name: string) =>
    PROMETHEUS_SERIES.has(name) ||
    families.has(name) ||
    [...families].some(
      (f) => name === `${f}_bucket` || name === `${f}_sum` || name === `${f}_count`,
    );
  const familyOf = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

  it('times requests the way the Metrics section says (401s, unknown paths, 413s)', () => {
    expect(text).toMatch(
      /^assay_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/tasks"[^}]*status="401"[^}]*\} 1$/m,
    );
    expect(text).toMatch(
      /^assay_http_request_duration_seconds_count\{[^}]*route="\{\/\*splat\}"[^}]*status="404"[^}]*\} 1$/m,
    );
    expect(text).toMatch(
      /^assay_http_request_duration_seconds_count\{[^}]*route="unmatched"[^}]*status="413"[^}]*\} 1$/m,
    );
  });

  it('the rules name only metrics the app exposes', () => {
    const unknown = loadRules().flatMap((r) =>
      metricNames(r.expr)
        .filter((n) => !exposed(n))
        .map((n) => `${r.alert}: ${n}`),
    );
    expect(unknown).toEqual([]);
  });

  it('the dashboard names only metrics the app exposes', () => {
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThan(20);
    const unknown = exprs.flatMap((e) => metricNames(e).filter((n) => !exposed(n)));
    expect(unknown).toEqual([]);
  });

  it('every Assay metric family has a dashboard panel and, but for the listed ones, an alert', () => {
    const assay = [...families].filter((f) => f.startsWith('assay_')).sort();
    expect(assay.length).toBeGreaterThanOrEqual(20);
    const inDashboard = new Set(dashboardExprs().flatMap(metricNames).map(familyOf));
    const inRules = new Set(
      loadRules()
        .flatMap((r) => metricNames(r.expr))
        .map(familyOf),
    );
    expect(assay.filter((f) => !inDashboard.has(f))).toEqual([]);
    expect(assay.filter((f) => !inRules.has(f) && !DASHBOARD_ONLY.has(f))).toEqual([]);
  });

  it('every alert has for, a severity, a summary, a description and a runbook in docs/operations.md', () => {
    const docAnchors = anchors(readFileSync(OPERATIONS_DOC, 'utf8'));
    const rules = loadRules();
    expect(rules.length).toBeGreaterThan(20);
    const problems: string[] = [];
    const names = new Set<string>();
    for (const r of rules) {
      const name = r.alert ?? '(no alert name)';
      if (names.has(name)) problems.push(`${name}: duplicate`);
      names.add(name);
      if (!r.for) problems.push(`${name}: no for`);
      if (!['critical', 'warning', 'info'].includes(r.labels?.severity ?? ''))
        problems.push(`${name}: severity ${r.labels?.severity}`);
      if (!r.annotations?.summary) problems.push(`${name}: no summary`);
      if (!r.annotations?.description) problems.push(`${name}: no description`);
      const runbook = r.annotations?.runbook_url ?? '';
      const [file, anchor] = runbook.split('#');
      if (file !== 'docs/operations.md' || !anchor || !docAnchors.has(anchor))
        problems.push(`${name}: runbook ${runbook} is not a heading of docs/operations.md`);
    }
    expect(problems).toEqual([]);
  });

  it('promtool accepts the rules and their unit tests pass (when promtool is installed)', () => {
    const r = spawnSync('promtool', ['check', 'rules', RULES_FILE], { encoding: 'utf8' });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      console.warn('promtool is not installed: `promtool check rules` skipped (CI runs it)');
      return;
    }
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.status).toBe(0);
    // The unit tests of some rules (ops/prometheus/assay-rules.test.yml) pass.
    const t = spawnSync('promtool', ['test', 'rules', RULES_TEST_FILE], { encoding: 'utf8' });
    expect(`${t.stdout}${t.stderr}`).toContain('SUCCESS');
    expect(t.status).toBe(0);
  });

  it('promtool parses every dashboard query (when promtool is installed)', () => {
    // Each query as a recording rule, Grafana's variables replaced by what they stand for.
    const rules = dashboardExprs().map((expr, i) => ({
      record: `assay:dashboard_query_${i}`,
      expr: expr.replace(/\$__rate_interval/g, '5m').replace(/\$job/g, 'assay.*'),
    }));
    const dir = mkdtempSync(join(tmpdir(), 'assay-dashboard-rules-'));
    try {
      const file = join(dir, 'dashboard-queries.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
      const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
        console.warn('promtool is not installed: dashboard queries not parsed');
        return;
      }
      expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the dashboard is an importable Grafana dashboard with a Prometheus datasource input', () => {
    const dash = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
    expect(dash.schemaVersion).toBeGreaterThanOrEqual(38);
    expect(dash.__inputs).toEqual([
      expect.objectContaining({
        name: 'DS_PROMETHEUS',
        type: 'datasource',
        pluginId: 'prometheus',
      }),
    ]);
    const ids = new Set<number>();
    for (const p of dash.panels) {
      expect(ids.has(p.id)).toBe(false);
      ids.add(p.id);
      if (p.type === 'row') continue;
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(p.targets.length).toBeGreaterThan(0);
    }
  });
});

describe('start commands (Node flags)', () => {
  it('npm start, start:prod and the Docker image start node with the same flags (NODE_FLAGS)', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
    const expected = ['node', ...NODE_FLAGS, 'dist/src/main.js'];
    expect(NODE_FLAGS).toContain('--max-semi-space-size=16');
    expect(scripts.start.split(' ')).toEqual(expected);
    expect(scripts['start:prod'].split(' ')).toEqual(expected);
    const cmd = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('CMD '))
      .pop()!;
    expect(JSON.parse(cmd.slice(4))).toEqual(expected);
  });
});
