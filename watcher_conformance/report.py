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
     "verdict": "pass" | "fail",      # fail iff a MUST check failed
     "summary": {"<area>": {"MUST": {"passed", "failed", "skipped"},
                            "SHOULD": {...}}},
     "tests": [{"test_id", "idempotent_id", "area", "level", "feature",
                "status", "reason", "message", "stacks", "duration"}]}

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
    return [r for r in results if r['status'] not in (None, 'exists')]


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
        'verdict': 'fail' if failed_must or not tests else 'pass',
        'summary': summary,
        'tests': tests,
    }


def write(report, path):
    with open(path, 'w') as f:
        json.dump(report, f, indent=2, sort_keys=True)
        f.write('\n')


def format_summary(report):
    """A short table for people: per area and level, then the failures."""
    out = io.StringIO()
    impl = report['implementation']
    out.write('%s %s, mode %s: %s\n' % (
        impl['name'], impl['version'], report['mode'],
        'CONFORMANT' if report['verdict'] == 'pass' else 'NOT CONFORMANT'))
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
