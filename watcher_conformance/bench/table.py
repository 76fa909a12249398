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

"""The benchmark's table for people, and its JSON file."""

import io
import json
import os
import textwrap

from watcher_conformance.bench import case as case_

#: Column heading, and whether it is right-aligned.
COLUMNS = (('case', False), ('seconds', True), ('bound s', True),
           ('ratio', True), ('raw s', True), ('vs raw', True),
           ('peak MB', True), ('target', False), ('upstream', False),
           ('result', False))


def _number(value, form):
    return '-' if value is None else form % value


def _verdict(result):
    if result.error:
        return 'ERROR'
    if result.meets_target is None:
        return '-'
    if result.meets_target:
        return 'ok'
    return 'MISSED %s' % ', '.join(result.missed)


def _row(result):
    case = result.case
    return (case.name, _number(result.seconds, '%.3f'),
            _number(result.bound_seconds, '%.3f'),
            _number(result.ratio, '%.3fx'),
            _number(result.raw_seconds, '%.3f'),
            _number(result.raw_ratio, '%.3fx'),
            _number(result.peak_memory_mb, '%.1f'),
            case_.format_figures(case.targets, '<=') or '-',
            case_.format_figures(case.upstream) or '-',
            _verdict(result))


def format_table(results, report):
    """The table of *results* (:class:`~.measure.Result` s), with the
    heading of *report* (their JSON document), the errors and the notes
    of their workloads under it."""
    out = io.StringIO()
    impl = report['implementation']
    out.write('%s %s, mode %s, %s, best of %d run(s)\n\n' % (
        impl['name'], impl['version'], report['mode'], report['python'],
        max([r.repeat for r in results], default=0)))
    rows = [tuple(c for c, _ in COLUMNS)] + [_row(r) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        cells = [cell.rjust(width) if right else cell.ljust(width)
                 for cell, width, (_, right) in zip(row, widths, COLUMNS)]
        out.write('  '.join(cells).rstrip() + '\n')
    errors = [r for r in results if r.error]
    if errors:
        out.write('\n')
        for r in errors:
            out.write('%s: %s\n' % (r.case.name, r.error))
    notes = dict.fromkeys(r.case.workload.note for r in results
                          if r.case.workload.note)
    if notes:
        out.write('\n')
        for note in notes:
            out.write(textwrap.fill(note, 79, subsequent_indent='  ') + '\n')
    return out.getvalue()


def write_json(report, path):
    """Write *report* to *path*, making its directory if need be."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(report, f, indent=2)
        f.write('\n')
