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

"""``watcher-conformance``: run the suite, list its checks, time the pieces
(``bench``, see :mod:`watcher_conformance.cmd.bench`), render a report as
a page (``html``, see :mod:`watcher_conformance.cmd.outputs`).

Exit status: 0 when every MUST check passed (or, for ``list``, always), 1
when a MUST check failed, 2 on bad input (an unknown implementation, a
piece without a required method, a run in which no test ran), with one line
on standard error saying what was wrong, 3 when nothing was judged (every
check skipped, or a mode the implementation does not declare), 130 or 143
when interrupted by SIGINT or SIGTERM (the report then holds what
finished).
"""

import argparse
import os
import sys

from watcher_conformance.cmd import bench
from watcher_conformance.cmd import UsageError
from watcher_conformance import modes


def _parser():
    parser = argparse.ArgumentParser(
        prog='watcher-conformance',
        description='Conformance suite for the concurrency machinery of '
                    'OpenStack services.')
    sub = parser.add_subparsers(dest='command', required=True)

    run = sub.add_parser('run', help='run the suite against an '
                         'implementation in one mode and write a report')
    run.add_argument('--implementation', default='reference',
                     help='entry-point name or package.module:attribute '
                          '(default: %(default)s)')
    run.add_argument('--mode', default=modes.DEFAULT,
                     choices=sorted(modes.MODES),
                     help='concurrency mode (default: %(default)s)')
    run.add_argument('--area', action='append',
                     help='only the checks of this area (repeatable: the '
                          'checks of every area given)')
    run.add_argument('--filter', action='append', default=[],
                     metavar='REGEX', help='only tests whose id matches '
                     '(stestr filter; repeatable)')
    run.add_argument('--report', metavar='PATH',
                     help='where to write the JSON report (default: '
                          'reports/<implementation>-<mode>.json)')
    run.add_argument('--findings', action='store_true',
                     help='exit 0 even when MUST checks fail (a survey of '
                          'another implementation, whose failures are '
                          'findings); bad input still exits 2')
    run.add_argument('--concurrency', type=int, default=0,
                     help='stestr workers (default: one per CPU)')
    run.add_argument('--config-file', metavar='PATH',
                     help='a file with a [watcher_conformance] section')

    lst = sub.add_parser('list', help='print the catalogue of checks')
    lst.add_argument('--area', help='only the checks of this area')
    lst.add_argument('--format', choices=('text', 'json'), default='text')

    page = sub.add_parser(
        'html', help='render a JSON report as the HTML page that a run '
        'writes beside it')
    page.add_argument('report', metavar='REPORT.json')
    page.add_argument('-o', '--output', metavar='OUT.html',
                      help='where to write the page (default: the '
                           "report's path with .html)")

    stestr = sub.add_parser(
        'stestr', help='run stestr with its workers started in a mode '
        '(for projects that run their own tests in both modes)')
    stestr.add_argument('--mode', required=True, choices=sorted(modes.MODES))
    stestr.add_argument('args', nargs=argparse.REMAINDER,
                        help='arguments for stestr')
    bench.add_parser(sub)
    return parser


def mode_environment(mode, implementation=None, config_file=None):
    """The environment for a test process started in *mode*."""
    env = dict(os.environ)
    # package.module:attribute resolves from the current directory, as it
    # does for "python -m": in this process and in the test workers.
    env['PYTHONPATH'] = os.pathsep.join(
        [os.getcwd()] + [p for p in env.get('PYTHONPATH', '').split(
            os.pathsep) if p])
    env[modes.ENV_VAR] = mode
    # stestr starts workers as "$PYTHON -m stestr.subunit_runner.run ...":
    # this puts the early bootstrap in front of everything they import.
    env['PYTHON'] = '%s -m watcher_conformance.boot' % sys.executable
    if implementation:
        env['OS_WATCHER_CONFORMANCE__IMPLEMENTATION'] = implementation
    if config_file:
        from watcher_conformance import config
        env[config.CONFIG_FILE_ENV] = os.path.abspath(config_file)
    return env


def _stestr(args):
    import subprocess
    mode = args.mode
    argv = list(args.args)
    if argv[:1] == ['--']:
        argv = argv[1:]
    return subprocess.call([sys.executable, '-m', 'stestr'] + argv,
                           env=mode_environment(mode))


def _list(args):
    import json

    from watcher_conformance import catalogue
    checks = [c for c in catalogue.collect()
              if args.area is None or c.area == args.area]
    if args.format == 'json':
        json.dump([c.as_dict() for c in checks], sys.stdout, indent=2)
        sys.stdout.write('\n')
        return 0
    for c in checks:
        print('%s  %-10s %-6s %s' % (c.id, c.area, c.level,
                                     c.test.rsplit('.', 1)[-1]))
        print('    %s%s' % (c.description,
                            ' [feature: %s]' % c.feature if c.feature
                            else ''))
    print('%d checks' % len(checks))
    return 0


def main(argv=None):
    args = _parser().parse_args(argv)
    modes.quiet_eventlet()
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        if args.command == 'run':
            from watcher_conformance.cmd import run
            return run.run(args)
        if args.command == 'list':
            return _list(args)
        if args.command == 'bench':
            return bench.bench(args)
        if args.command == 'html':
            from watcher_conformance.cmd import outputs
            return outputs.html(args)
        return _stestr(args)
    except UsageError as exc:
        sys.stderr.write('watcher-conformance: %s\n' % exc)
        if getattr(exc, 'abandons_threads', False):
            # A call of the implementation is stuck in a thread: exit
            # handlers that join threads (futurist's) would wait forever.
            sys.stderr.flush()
            sys.stdout.flush()
            os._exit(2)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == '__main__':
    sys.exit(main())
