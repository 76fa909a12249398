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

"""The machine-readable report of one run: one implementation, one mode.

Built from per-test results (a subunit stream or an in-process run), joined
with the catalogue by idempotent id. Its shape::

    {"implementation": {"name", "version", "spec", "description", "modes",
                        "features", "policies"},
     "mode": "threading", "suite_version": "...", "date": "...",
     "verdict": "pass" | "fail" | "untested" | "interrupted",
     "summary": {"<area>": {"MUST": {"passed", "failed", "skipped"},
                            "SHOULD": {...}}},
     "tests": [{"test_id", "idempotent_id", "area", "level", "feature",
                "status", "reason", "message", "stacks", "duration"}]}

The verdict is ``fail`` if and only if a MUST check failed; otherwise
``untested`` when nothing was judged (every check skipped, or a mode the
implementation does not declare), ``interrupted`` when the run was stopped
(the report then holds what finished), else ``pass``.

``reason`` is one line (the skip reason, or the exception line);
``message`` is a failure's whole exception message (an assertion's
explanation often spans lines); ``stacks``, for a check that did not
finish within its bound, every thread's and green thread's stack at that
moment. ``status`` is ``passed``, ``failed`` or
``skipped``; a test outside the
catalogue that failed (a module that did not import) is reported with area
``unknown`` and level MUST, so it can never pass silently.
"""

import datetime
import io
import json

import subunit
import testtools

from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance import files

#: Verdicts, and what the summary and the page call them. ``untested``: no
#: check could judge the implementation (every check skipped, or the mode
#: is not one it declares); ``interrupted``: the run was stopped, and the
#: report holds only what finished.
PASS, FAIL, UNTESTED, INTERRUPTED = 'pass', 'fail', 'untested', 'interrupted'
VERDICTS = {PASS: 'CONFORMANT', FAIL: 'NOT CONFORMANT',
            UNTESTED: 'NOT TESTED', INTERRUPTED: 'INTERRUPTED'}

_STATUS = {'success': 'passed', 'xfail': 'passed', 'skip': 'skipped',
           'fail': 'failed', 'uxsuccess': 'failed'}


def status(result):
    """'passed', 'failed' or 'skipped' for one per-test result; anything
    unexpected counts as failed."""
    return _STATUS.get(result['status'], 'failed')


def _message(details, limit=60):
    """A failure's whole exception message: the lines after the last frame
    of its traceback (at most *limit*)."""
    content = details.get('traceback')
    if content is None:
        return ''
    lines = content.as_text().rstrip().splitlines()
    frames = [i for i, line in enumerate(lines)
              if line.startswith('  File ') or line.startswith('    ')]
    return '\n'.join(lines[frames[-1] + 1 if frames else 0:][:limit])


def _stacks(details):
    """Every thread's stack when a hang was detected, or ''."""
    content = details.get('stacks')
    return content.as_text() if content is not None else ''


def reason(details):
    """The one line that says why: a skip reason, or the exception line."""
    for key in ('reason', 'traceback'):
        content = details.get(key)
        if content is None:
            continue
        text = content.as_text().strip()
        if key == 'traceback':
            # The exception line: the first line after the last frame.
            lines = text.splitlines()
            frames = [i for i, line in enumerate(lines)
                      if line.startswith('  File ') or line.startswith('    ')]
            start = frames[-1] + 1 if frames else 0
            return next((line for line in lines[start:] if line.strip()),
                        text.splitlines()[-1] if text else '')
        return text.splitlines()[0] if text else ''
    return ''


def results_from_subunit(stream):
    """Per-test results (dicts with id, status, details, timestamps) from a
    subunit v2 byte stream."""
    results = []
    case = subunit.ByteStreamToStreamResult(stream, non_subunit_name='stdout')
    sink = testtools.StreamToDict(results.append)
    sink.startTestRun()
    try:
        case.run(sink)
    finally:
        sink.stopTestRun()
    # One result per test: a test a worker began but never ended is
    # 'inprogress'; a later event of the same test (a synthetic failure,
    # see watcher_conformance.cmd.suite_run) supersedes it.
    final = {}
    for r in results:
        if r['status'] in (None, 'exists'):
            continue
        if r['status'] == 'inprogress' and r['id'] in final:
            continue
        final[r['id']] = r
    return list(final.values())


def duration(result):
    """A result's duration in seconds (to the millisecond), or None."""
    start, stop = result.get('timestamps', (None, None))
    if start and stop:
        return round((stop - start).total_seconds(), 3)
    return None


def build(results, implementation, spec, mode, checks, suite_version=''):
    """The report dict for *results* of *implementation* in *mode*."""
    by_id = {c.id: c for c in checks}
    tests, summary = [], {}
    for result in sorted(results, key=lambda r: r['id']):
        outcome = status(result)
        ident = catalogue.idempotent_id(result['id'])
        meta = by_id.get(ident)
        area = meta.area if meta else 'unknown'
        level = meta.level if meta else contract.MUST
        counts = summary.setdefault(area, {}).setdefault(
            level, {'passed': 0, 'failed': 0, 'skipped': 0})
        counts[outcome] += 1
        tests.append({
            'test_id': result['id'], 'idempotent_id': ident, 'area': area,
            'level': level, 'feature': meta.feature if meta else None,
            'status': outcome,
            'reason': '' if outcome == 'passed' else reason(
                result.get('details', {})),
            'message': _message(result.get('details', {}))
            if outcome == 'failed' else '',
            'stacks': _stacks(result.get('details', {}))
            if outcome == 'failed' else '',
            'duration': duration(result)})
    failed_must = any(t['status'] == 'failed' and t['level'] == contract.MUST
                      for t in tests)
    judged = any(t['status'] != 'skipped' for t in tests)
    if failed_must:
        verdict = FAIL
    elif not judged or mode not in implementation.modes:
        verdict = UNTESTED
    else:
        verdict = PASS
    return {
        'implementation': {
            'name': implementation.name, 'version': implementation.version,
            'spec': spec, 'description': implementation.description,
            'modes': sorted(implementation.modes),
            'features': sorted(implementation.features),
            'policies': dict(implementation.policies)},
        'mode': mode,
        'suite_version': suite_version,
        'date': datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec='seconds'),
        'verdict': verdict,
        'summary': summary,
        'tests': tests,
    }


def write(report, path):
    """Write *report* as JSON at *path*, whole or not at all."""
    files.write_atomically(path, json.dumps(report, indent=2,
                                            sort_keys=True) + '\n')


def _why(report):
    """What a verdict other than pass or fail means for this run."""
    if report['verdict'] == INTERRUPTED:
        return ' (stopped: %d checks finished)' % len(report['tests'])
    if report['verdict'] != UNTESTED:
        return ''
    if report['mode'] not in report['implementation']['modes']:
        return (' (the implementation does not declare mode %s)'
                % report['mode'])
    return ' (every check skipped: nothing was judged)'


def format_summary(report):
    """A short table for people: per area and level, then the failures."""
    out = io.StringIO()
    impl = report['implementation']
    out.write('%s %s, mode %s: %s%s\n' % (
        impl['name'], impl['version'], report['mode'],
        VERDICTS.get(report['verdict'], report['verdict']),
        _why(report)))
    width = max([14] + [len(a) for a in report['summary']])
    out.write('  %-*s %-6s %7s %7s %8s\n' % (
        width, 'area', 'level', 'passed', 'failed', 'skipped'))
    for area in sorted(report['summary']):
        for level in contract.LEVELS:
            counts = report['summary'][area].get(level)
            if counts:
                out.write('  %-*s %-6s %7d %7d %8d\n' % (
                    width,
                    area, level, counts['passed'], counts['failed'],
                    counts['skipped']))
    for test in report['tests']:
        if test['status'] == 'failed':
            out.write('  FAILED %s %s: %s\n' % (
                test['level'], test['test_id'], test['reason']))
    if not report['tests']:
        out.write('  no test ran\n')
    return out.getvalue()
