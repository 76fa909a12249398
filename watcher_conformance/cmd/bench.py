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

"""``watcher-conformance bench``: time the pieces of an implementation.

Runs in the mode ``OS_WATCHER_CONFORMANCE__MODE`` names (default
threading), entered before anything else is imported. Prints a table,
writes the JSON to ``--output``; exit status 0, or with ``--check`` 1 when
a case misses a target or fails.
"""

import sys

from watcher_conformance.cmd import UsageError
from watcher_conformance import modes

DEFAULT_OUTPUT = 'reports/bench.json'


def add_parser(sub):
    """The ``bench`` subcommand's options, on *sub* (argparse's
    subparsers)."""
    bench = sub.add_parser(
        'bench', help='time the pieces of an implementation (a benchmark, '
        'not a check) and write reports/bench.json')
    bench.add_argument('--implementation', default='reference',
                       help='entry-point name or package.module:attribute '
                            '(default: %(default)s)')
    bench.add_argument('--case', action='append', default=[],
                       metavar='NAME', help='only this case (repeatable; '
                       'default: every case)')
    bench.add_argument('--repeat', type=int, default=3, metavar='N',
                       help='timed runs per case, the best kept (default: '
                            '%(default)s)')
    bench.add_argument('--output', default=DEFAULT_OUTPUT, metavar='PATH',
                       help='where to write the JSON (default: '
                            '%(default)s)')
    bench.add_argument('--check', action='store_true',
                       help='exit 1 when a case misses a target')
    return bench


def bench(args):
    try:
        mode = modes.enter()
        modes.current()
    except modes.ModeError as exc:
        raise UsageError(exc) from None
    # Imported only now, in the mode: they import threading, which
    # eventlet must patch first.
    from watcher_conformance.bench import cases
    from watcher_conformance.bench import measure
    from watcher_conformance.bench import table
    from watcher_conformance import loader

    try:
        selected = cases.select(args.case)
    except cases.UnknownCase as exc:
        raise UsageError(exc) from None
    if args.repeat < 1:
        raise UsageError('--repeat must be at least 1, not %d' % args.repeat)
    try:
        impl = loader.load(args.implementation)
    except loader.LoadError as exc:
        raise UsageError(exc) from None
    results = []
    for case in selected:
        sys.stderr.write('bench: %s...\n' % case.name)
        sys.stderr.flush()
        results.append(measure.run_case(case, impl, mode.name, args.repeat))
    report = measure.report(results, impl, args.implementation, mode.name)
    table.write_json(report, args.output)
    sys.stdout.write(table.format_table(results, report))
    sys.stdout.write('report: %s\n' % args.output)
    if args.check and any(r.meets_target is False for r in results):
        return 1
    return 0
