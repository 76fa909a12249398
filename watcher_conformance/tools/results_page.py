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

"""Does a results page say what the reports say?

``python -m watcher_conformance.tools.results_page PAGE REPORT...`` reads a
reStructuredText page of results (``doc/source/upstream-results.rst``) and
the JSON reports of the runs it describes, and checks that they agree:

* its counts table has a row per report's mode, with the report's numbers
  of passed, failed and skipped checks;
* each entry of its failures section is a definition-list term naming
  checks and the modes they fail in, for example
  ````test_cycle_refused````, ````test_unknown_parent_refused```` (threading,
  eventlet); every check a report has failing is named there for that
  mode, and every check named there fails in each mode the entry gives.

Exit status 0 when they agree; 1 with one line per disagreement when they
do not; 2 on bad input (a missing or unreadable file).
"""

import argparse
import json
import re
import sys

_TERM = re.compile(r'^((?:``test_\w+``(?:, )?)+) \(([\w, ]+)\)\s*$')
_NAME = re.compile(r'``(test_\w+)``')
_ROW = re.compile(r'^\s*\* - (\w+)\s*$')
_CELL = re.compile(r'^\s*- (\d+)\s*$')
FAILURES_HEADING = 'The failures'
STATUSES = ('passed', 'failed', 'skipped')


class BadInput(Exception):
    """A file is missing or is not what it should be."""


def test_name(test_id):
    """``test_x`` of ``pkg.module.Class.test_x[id-...,must]``."""
    return test_id.split('[', 1)[0].rsplit('.', 1)[-1]


def read_page(text):
    """({mode: {status: n}}, {(name, mode)}) as the page states them."""
    counts, failing = {}, set()
    lines = text.splitlines()
    section = None
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r'=+', lines[i + 1].strip()
                                               or 'x'):
            section = line.strip()
        row = _ROW.match(line)
        if row and row.group(1) not in ('Mode',):
            cells = [_CELL.match(x) for x in lines[i + 1:i + 4]]
            if all(cells):
                counts[row.group(1)] = dict(zip(
                    STATUSES, (int(c.group(1)) for c in cells)))
        term = _TERM.match(line)
        if term and section == FAILURES_HEADING:
            modes = [m.strip() for m in term.group(2).split(',')]
            for name in _NAME.findall(term.group(1)):
                failing.update((name, mode) for mode in modes)
    return counts, failing


def read_report(data):
    """(mode, {status: n}, {failing test names})."""
    counts = dict.fromkeys(STATUSES, 0)
    failing = set()
    for test in data['tests']:
        counts[test['status']] += 1
        if test['status'] == 'failed':
            failing.add(test_name(test['test_id']))
    return data['mode'], counts, failing


def disagreements(page_text, reports):
    """Lines saying where the page and *reports* (parsed JSON) differ."""
    page_counts, page_failing = read_page(page_text)
    found = []
    for data in reports:
        mode, counts, failing = read_report(data)
        if page_counts.get(mode) != counts:
            found.append('%s: the page counts %s, the report %s'
                         % (mode, page_counts.get(mode), counts))
        for name in sorted(failing - {n for n, m in page_failing
                                      if m == mode}):
            found.append('%s: %s fails but the page does not say so'
                         % (mode, name))
        for name in sorted({n for n, m in page_failing if m == mode}
                           - failing):
            found.append('%s: the page says %s fails, the report does not'
                         % (mode, name))
    modes = {data['mode'] for data in reports}
    for name, mode in sorted(page_failing):
        if mode not in modes:
            found.append('%s: the page names mode %r, no report has it'
                         % (name, mode))
    return found


def _load(path, parse):
    try:
        with open(path, encoding='utf-8') as f:
            return parse(f.read())
    except (OSError, ValueError) as exc:
        raise BadInput('%s: %s' % (path, exc)) from None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('page')
    parser.add_argument('reports', nargs='+')
    args = parser.parse_args(argv)
    try:
        page = _load(args.page, str)
        reports = [_load(path, json.loads) for path in args.reports]
        found = disagreements(page, reports)
    except (BadInput, KeyError, TypeError) as exc:
        print('results_page: bad input: %s' % exc, file=sys.stderr)
        return 2
    for line in found:
        print('results_page: %s' % line, file=sys.stderr)
    if not found:
        print('%s agrees with %s' % (args.page, ', '.join(args.reports)))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
