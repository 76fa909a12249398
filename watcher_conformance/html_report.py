# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The report as a page people read first: one self-contained HTML file.

Rendered from the JSON report (:mod:`watcher_conformance.report`) and the
catalogue (for each check's description): the verdict, what was checked, a
table per area and level, every failure with its description, idempotent
id, reason and whole message, then the skipped and the passed checks
(collapsed). Inline CSS only: no script, no external asset, so the file can
be archived, mailed or opened from a CI log as it is. Everything that comes
from the report is HTML-escaped: a failure's message quotes reprs
(``<Future ...>``) and whatever an implementation put in an exception.
"""

import html
import json

from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance import files
from watcher_conformance import report

VERDICTS = report.VERDICTS
_REQUIRED = ('implementation', 'mode', 'verdict', 'summary', 'tests')

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d2329;
       margin: 0 auto; max-width: 72em; padding: 0 1.5em 3em; }
.verdict { color: #fff; padding: 1em 1.5em; margin: 0 -1.5em 1.5em; }
.verdict.pass { background: #1b7a3d; }
.verdict.fail { background: #b3261e; }
.verdict.untested, .verdict.interrupted { background: #8a5a00; }
.verdict h1 { font-size: 2.4em; margin: 0; letter-spacing: .02em; }
.verdict p { margin: .3em 0 0; font-size: 1.1em; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2em;
     margin-top: 1.8em; }
dl.facts { display: grid; grid-template-columns: max-content auto;
           gap: .25em 1.2em; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: .3em .7em; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.bad { background: #fde7e5; color: #8c1d18; font-weight: 700; }
tr.total td { font-weight: 700; }
.failure { border: 1px solid #e3b3ae; border-left: 6px solid #b3261e;
           border-radius: 4px; padding: .6em 1em; margin: 1em 0; }
.failure.should { border-color: #e8d3a0; border-left-color: #b7791f; }
.failure h3 { margin: .1em 0 .4em; font-size: 1.05em; }
.level { display: inline-block; font-size: .8em; padding: 0 .45em;
         border-radius: 3px; color: #fff; background: #b3261e; }
.level.SHOULD { background: #b7791f; }
.description { font-style: italic; }
.reason { font-weight: 600; }
code, pre { font-family: ui-monospace, monospace; font-size: .9em; }
pre.message { background: #f6f8fa; border: 1px solid #d0d7de;
              padding: .6em .8em; overflow-x: auto; white-space: pre-wrap; }
details { margin: 1em 0; }
summary { cursor: pointer; font-weight: 600; font-size: 1.1em; }
footer { margin-top: 3em; color: #57606a; font-size: .9em; }
"""


class ReportError(ValueError):
    """Not a report this page can show: one line saying why."""


def load(path):
    """The report dict in the JSON file at *path*.

    :raises ReportError: when it cannot be read, is not JSON or is not a
        report.
    """
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except OSError as exc:
        raise ReportError('cannot read %s: %s'
                          % (path, exc.strerror or exc)) from None
    except ValueError as exc:
        raise ReportError('%s is not JSON: %s' % (path, exc)) from None
    missing = [key for key in _REQUIRED
               if not isinstance(data, dict) or key not in data]
    if missing:
        raise ReportError('%s is not a watcher-conformance report: no %s'
                          % (path, ', '.join(missing)))
    return data


def _e(value):
    return html.escape('' if value is None else str(value))


def _facts(data):
    impl = data['implementation']
    rows = [('Implementation', impl.get('name')),
            ('Version', impl.get('version')),
            ('Description', impl.get('description')),
            ('Spec', impl.get('spec')),
            ('Mode', data.get('mode')),
            ('Features claimed', ', '.join(impl.get('features') or [])
             or 'none'),
            ('Policies', ', '.join('%s = %s' % item for item in sorted(
                (impl.get('policies') or {}).items())) or 'none'),
            ('Suite version', data.get('suite_version')),
            ('Date', data.get('date'))]
    return '<dl class="facts">%s</dl>' % ''.join(
        '<dt>%s</dt><dd>%s</dd>' % (_e(k), _e(v)) for k, v in rows)


def _count_cell(value, bad=False):
    return '<td class="n%s">%d</td>' % (' bad' if bad and value else '',
                                        value)


def _summary(data):
    head = ('<tr><th>Area</th><th>Level</th><th>Passed</th><th>Failed</th>'
            '<th>Skipped</th></tr>')
    rows, total = [], {'passed': 0, 'failed': 0, 'skipped': 0}
    for area in sorted(data['summary']):
        for level in contract.LEVELS:
            counts = data['summary'][area].get(level)
            if not counts:
                continue
            for key in total:
                total[key] += counts.get(key, 0)
            rows.append('<tr><td>%s</td><td>%s</td>%s%s%s</tr>' % (
                _e(area), _e(level), _count_cell(counts.get('passed', 0)),
                _count_cell(counts.get('failed', 0), bad=True),
                _count_cell(counts.get('skipped', 0))))
    rows.append('<tr class="total"><td colspan="2">Total</td>%s%s%s</tr>' % (
        _count_cell(total['passed']),
        _count_cell(total['failed'], bad=True),
        _count_cell(total['skipped'])))
    return '<table id="summary-table">%s%s</table>' % (head, ''.join(rows))


def _failure(test, check):
    level = test.get('level') or contract.MUST
    description = (check.description if check else
                   'This test is not in the catalogue of this suite.')
    message = test.get('message') or test.get('reason') or ''
    return (
        '<article class="failure %s" id="%s">'
        '<h3><span class="level %s">%s</span> %s &middot; %s</h3>'
        '<p class="description">%s</p>'
        '<dl class="facts"><dt>Check id</dt><dd><code>%s</code></dd>'
        '<dt>Test</dt><dd><code>%s</code></dd>'
        '<dt>Reason</dt><dd class="reason">%s</dd></dl>'
        '<pre class="message">%s</pre>%s</article>' % (
            _e(level.lower()), _e('id-%s' % test.get('idempotent_id')),
            _e(level), _e(level), _e(test.get('area')),
            _e(catalogue.area_and_name(test['test_id'])[1]),
            _e(description), _e(test.get('idempotent_id') or 'none'),
            _e(test['test_id']), _e(test.get('reason')), _e(message),
            _stacks(test.get('stacks'))))


def _stacks(text):
    """A hang's stacks (every thread and green thread), folded."""
    if not text:
        return ''
    return ('<details class="stacks"><summary>Every thread\'s stack when '
            'the bound passed</summary><pre class="message">%s</pre>'
            '</details>' % _e(text))


def _listing(tests, checks, title, element_id, with_reason):
    rows = ''.join(
        '<tr><td>%s</td><td>%s</td><td><code>%s</code></td><td>%s</td></tr>'
        % (_e(t.get('area')), _e(t.get('level')),
           _e(catalogue.area_and_name(t['test_id'])[1]),
           _e(t.get('reason') if with_reason else (
               checks[t['idempotent_id']].description
               if t.get('idempotent_id') in checks else '')))
        for t in tests)
    return ('<details id="%s"><summary>%s (%d)</summary><table><tr>'
            '<th>Area</th><th>Level</th><th>Test</th><th>%s</th></tr>%s'
            '</table></details>' % (element_id, _e(title), len(tests),
                                    'Reason' if with_reason else
                                    'Description', rows))


_CONFORMS = {'pass': 'conforms', 'fail': 'does not conform',
             'untested': 'was not judged', 'interrupted': 'was being checked'}


def _headline(data, failed):
    must = sum(1 for t in failed if t.get('level') == contract.MUST)
    if not data['tests']:
        return 'No test ran.'
    if data['verdict'] == 'interrupted':
        return ('The run was stopped: this page holds the %d checks that '
                'finished.' % len(data['tests']))
    if data['verdict'] == 'untested':
        return ('No check judged it: every check skipped (see the reasons '
                'below).')
    if must:
        return '%d MUST check%s failed.' % (must, '' if must == 1 else 's')
    if failed:
        return 'Every MUST check passed; %d SHOULD check%s failed.' % (
            len(failed), '' if len(failed) == 1 else 's')
    return 'Every check that ran passed.'


def render(data, checks=(), links=()):
    """The page (a str) for the report dict *data*.

    :param checks: the catalogue's :class:`~watcher_conformance.catalogue.
        Check` objects, for the descriptions.
    :param links: (label, href) pairs for the footer: the files beside it.
    """
    by_id = {c.id: c for c in checks}
    tests = data['tests']
    failed = sorted((t for t in tests if t.get('status') == 'failed'),
                    key=lambda t: (t.get('level') != contract.MUST,
                                   t['test_id']))
    skipped = [t for t in tests if t.get('status') == 'skipped']
    passed = [t for t in tests if t.get('status') == 'passed']
    verdict = data['verdict'] if data['verdict'] in VERDICTS else 'fail'
    impl = data['implementation']
    title = '%s %s, mode %s: %s' % (impl.get('name'), impl.get('version'),
                                    data['mode'], VERDICTS[verdict])
    failures = (''.join(_failure(t, by_id.get(t.get('idempotent_id')))
                        for t in failed)
                or '<p>No check failed.</p>')
    footer = ' &middot; '.join('<a href="%s">%s</a>' % (_e(href), _e(label))
                               for label, href in links)
    return ''.join([
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width">',
        '<title>watcher-conformance: %s</title>' % _e(title),
        '<style>%s</style></head><body>' % _CSS,
        '<header class="verdict %s"><h1 id="verdict">%s</h1>' % (
            verdict, VERDICTS[verdict]),
        '<p id="headline">%s %s %s in %s mode. %s</p></header>' % (
            _e(impl.get('name')), _e(impl.get('version')),
            _CONFORMS[verdict],
            _e(data['mode']), _e(_headline(data, failed))),
        '<section><h2>What was checked</h2>%s</section>' % _facts(data),
        '<section><h2>Summary</h2>%s</section>' % _summary(data),
        '<section id="failures"><h2>Failures (%d)</h2>%s</section>' % (
            len(failed), failures),
        '<section><h2>Other checks</h2>',
        _listing(skipped, by_id, 'Skipped checks', 'skipped', True),
        _listing(passed, by_id, 'Passed checks', 'passed', False),
        '</section>',
        '<footer>watcher-conformance %s%s%s</footer>' % (
            _e(data.get('suite_version')), ' &middot; ' if footer else '',
            footer),
        '</body></html>\n'])


def write(data, path, checks=(), links=()):
    """Render *data* to the file at *path*."""
    files.write_atomically(path, render(data, checks, links))
