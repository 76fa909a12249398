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

"""``watcher-conformance run``: one implementation, one mode, one report."""

import io
import os
import re
import shutil
import signal
import sys
import tempfile
import threading

from watcher_conformance import catalogue
from watcher_conformance.cmd import main
from watcher_conformance.cmd import outputs
from watcher_conformance.cmd import suite_run
from watcher_conformance.cmd import UsageError
from watcher_conformance import config
from watcher_conformance import contract
from watcher_conformance import loader
from watcher_conformance import report

STATE_DIR = '.watcher-conformance'
#: Exit status by verdict (an interrupted run exits 128 + the signal).
EXIT_STATUS = {report.PASS: 0, report.FAIL: 1, report.UNTESTED: 3}


class PreflightHang(UsageError):
    """A call of the preflight did not return in time; its thread is stuck
    for good, so the command ends without waiting for it."""

    abandons_threads = True


def _bounded(call, what, seconds):
    """*call()*'s value, raised error, or :class:`PreflightHang` naming
    *what* after *seconds* (the call goes on in a daemon thread)."""
    outcome = {}

    def target():
        try:
            outcome['value'] = call()
        except BaseException as exc:
            outcome['error'] = exc
    thread = threading.Thread(target=target, name='preflight', daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise PreflightHang('%s did not return within %.0f s (the '
                            'test_timeout option)' % (what, seconds))
    if 'error' in outcome:
        raise outcome['error']
    return outcome.get('value')


def preflight(spec, mode):
    """Load the implementation and check the form of every piece it
    provides, before any test runs. Each call into the implementation is
    bounded by the ``test_timeout`` option.

    :raises UsageError: naming what is wrong.
    """
    try:
        impl = loader.load(spec)
    except loader.LoadError as exc:
        raise UsageError(exc) from None
    conf = config.get()
    # Every setting a check would give, in a directory the preflight
    # removes: a piece must not need to invent (and leave) its own.
    with tempfile.TemporaryDirectory(prefix='preflight-') as scratch:
        settings = contract.Settings(
            mode=mode, max_workers=conf.max_workers,
            database_url='sqlite:///' + os.path.join(scratch, 'state.db'),
            coordination_url='file://' + os.path.join(scratch, 'locks'),
            member='preflight')
        _preflight_pieces(impl, settings, conf.test_timeout)
    return impl


def _preflight_pieces(impl, settings, bound):
    for name, factory in sorted(impl.pieces.items()):
        where = 'implementation %r: its %s' % (impl.name, name)
        try:
            provider = _bounded(lambda: factory(settings),
                                '%s factory' % where, bound)
            try:
                piece = _bounded(provider.get, '%s get()' % where, bound)
                contract.validate_piece(impl, name, piece)
            finally:
                _bounded(provider.reset, '%s reset()' % where, bound)
        except (contract.ContractError, PreflightHang) as exc:
            raise exc if isinstance(exc, UsageError) else UsageError(
                exc) from None
        except Exception as exc:
            raise UsageError('implementation %r: building its %s failed: '
                             '%s: %s' % (impl.name, name, type(exc).__name__,
                                         exc)) from None


def _filters(args):
    filters = list(args.filter)
    if args.area:
        areas = r'watcher_conformance\.tests\.(%s)\.' % '|'.join(
            re.escape(a) for a in args.area)
        # stestr ORs its filters; areas narrow the user's filters instead.
        filters = (['(?=.*%s)(?=.*(%s))' % (areas, '|'.join(args.filter))]
                   if args.filter else [areas])
    return filters


def check_arguments(args):
    """Bad input found before anything runs: unknown areas, a report path
    that cannot be written, a configuration that cannot be used.

    :returns: the warnings to print (unknown options).
    :raises UsageError: naming what is wrong.
    """
    if args.config_file:
        if not os.path.isfile(args.config_file):
            raise UsageError('no config file at %s' % args.config_file)
        # The preflight reads the same file as the test workers.
        os.environ[config.CONFIG_FILE_ENV] = os.path.abspath(
            args.config_file)
    try:
        warnings = config.validate()
    except config.ConfigError as exc:
        raise UsageError('bad configuration: %s' % exc) from None
    known = sorted({c.area for c in catalogue.collect()})
    unknown = [a for a in (args.area or []) if a not in known]
    if unknown:
        raise UsageError('unknown area %s (known areas: %s)'
                         % (', '.join(map(repr, unknown)), ', '.join(known)))
    if args.report:
        outputs.check_writable(args.report)
    return warnings


def _suite_run(args, state_dir, suite_dir, top_dir):
    base = [sys.executable, '-m', 'stestr', '--test-path', suite_dir,
            '--top-dir', top_dir]
    env = main.mode_environment(args.mode, args.implementation,
                                args.config_file)
    # Output and logs captured as each test's attachments (in the subunit
    # stream and its subunit2html page), as under tox, rather than printed
    # between the progress lines. Set to 0 in the environment to see them.
    for name in ('OS_STDOUT_CAPTURE', 'OS_STDERR_CAPTURE', 'OS_LOG_CAPTURE'):
        env.setdefault(name, '1')
    return suite_run.SuiteRun(base, _filters(args), env, state_dir,
                              args.concurrency)


def _on_signals(handler):
    """Install *handler* for SIGINT and SIGTERM; a function restoring the
    previous handlers."""
    previous = {s: signal.signal(s, handler)
                for s in (signal.SIGINT, signal.SIGTERM)}
    return lambda: [signal.signal(s, h) for s, h in previous.items()]


def _raise_interrupted(signum, frame):
    raise suite_run.Interrupted(signum)


def run(args):
    for warning in check_arguments(args):
        sys.stderr.write('watcher-conformance: warning: %s\n' % warning)
    impl = preflight(args.implementation, args.mode)
    import watcher_conformance.tests as suite
    suite_dir = os.path.dirname(suite.__file__)
    top_dir = os.path.dirname(os.path.dirname(suite_dir))
    os.makedirs(STATE_DIR, exist_ok=True)
    # A fresh stestr repository per run: "stestr last" must never hand back
    # an earlier run's results when this one ran nothing.
    state_dir = tempfile.mkdtemp(prefix='stestr-%s-' % args.mode,
                                 dir=STATE_DIR)
    interrupted = None
    restore = _on_signals(_raise_interrupted)
    try:
        runner = _suite_run(args, state_dir, suite_dir, top_dir)
        try:
            runner.run()
        except (suite_run.Interrupted, KeyboardInterrupt) as exc:
            interrupted = getattr(exc, 'signum', signal.SIGINT)
            sys.stdout.write('\ninterrupted (%s): the run was stopped; '
                             'the report holds what finished\n'
                             % signal.Signals(interrupted).name)
        stream = runner.stream
    finally:
        restore()
        shutil.rmtree(state_dir, ignore_errors=True)
    results = report.results_from_subunit(io.BytesIO(stream))
    if interrupted:
        # What finished: a check the interruption cut short has no verdict.
        results = [r for r in results if r['status'] != 'inprogress']
    if not results and not interrupted:
        raise UsageError('no test ran (filters: %s); see the output above'
                         % (' '.join(args.filter) or 'none'))
    checks = catalogue.collect()
    data = report.build(results, impl, args.implementation, args.mode,
                        checks, _suite_version())
    if interrupted:
        data['verdict'] = report.INTERRUPTED
    path = args.report or os.path.join(
        'reports', '%s-%s.json' % (re.sub(r'[^\w.-]', '_', impl.name),
                                   args.mode))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    report.write(data, path)
    paths = outputs.write(data, path, stream, checks)
    sys.stdout.write(report.format_summary(data))
    sys.stdout.write('report: %s\n' % path)
    sys.stdout.write('page: %s\n' % paths['html'])
    sys.stdout.write('subunit: %s%s\n' % (
        paths['subunit'], ' (%s)' % paths['subunit_html']
        if 'subunit_html' in paths else ''))
    if interrupted:
        return 128 + interrupted
    if getattr(args, 'findings', False):
        return 0  # failed checks are what this run is for: see the report
    return EXIT_STATUS[data['verdict']]


def _suite_version():
    import pbr.version
    try:
        return pbr.version.VersionInfo('watcher-conformance').version_string()
    except Exception:
        return 'unknown'
