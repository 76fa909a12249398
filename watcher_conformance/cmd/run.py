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
import subprocess
import sys
import tempfile

from watcher_conformance import catalogue
from watcher_conformance.cmd import main
from watcher_conformance.cmd import outputs
from watcher_conformance.cmd import UsageError
from watcher_conformance import config
from watcher_conformance import contract
from watcher_conformance import loader
from watcher_conformance import progress
from watcher_conformance import report

STATE_DIR = '.watcher-conformance'


def preflight(spec, mode):
    """Load the implementation and check the form of every piece it
    provides, before any test runs.

    :raises UsageError: naming what is wrong.
    """
    try:
        impl = loader.load(spec)
    except loader.LoadError as exc:
        raise UsageError(exc) from None
    settings = contract.Settings(mode=mode,
                                 max_workers=config.get().max_workers)
    for name, factory in sorted(impl.pieces.items()):
        try:
            provider = factory(settings)
            try:
                contract.validate_piece(impl, name, provider.get())
            finally:
                provider.reset()
        except contract.ContractError as exc:
            raise UsageError(exc) from None
        except Exception as exc:
            raise UsageError('implementation %r: building its %s failed: '
                             '%s: %s' % (impl.name, name, type(exc).__name__,
                                         exc)) from None
    return impl


def _filters(args):
    filters = list(args.filter)
    if args.area:
        filters.append(r'watcher_conformance\.tests\.%s\.'
                       % re.escape(args.area))
    # stestr ORs its filters; an area narrows the user's filters instead.
    if args.area and args.filter:
        filters = ['(?=.*%s)(?=.*(%s))' % (filters[-1],
                                           '|'.join(args.filter))]
    return filters


def _count(base, filters, state_dir, env):
    """How many tests the run will have (for the progress line), or None
    when stestr cannot list them (the run itself then says why)."""
    # "stestr list" needs the repository that "stestr run" would create.
    subprocess.run(base + ['init'], cwd=state_dir, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    listed = subprocess.run(base + ['list'] + filters, cwd=state_dir,
                            env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    if listed.returncode:
        return None
    return len([line for line in listed.stdout.splitlines() if line.strip()])


def _stestr(args, state_dir, suite_dir, top_dir):
    """Run the suite; show each result as it comes; return the run's
    subunit v2 stream (bytes)."""
    base = [sys.executable, '-m', 'stestr', '--test-path', suite_dir,
            '--top-dir', top_dir]
    filters = _filters(args)
    env = main.mode_environment(args.mode, args.implementation,
                                args.config_file)
    # Output and logs captured as each test's attachments (in the subunit
    # stream and its subunit2html page), as under tox, rather than printed
    # between the progress lines. Set to 0 in the environment to see them.
    for name in ('OS_STDOUT_CAPTURE', 'OS_STDERR_CAPTURE', 'OS_LOG_CAPTURE'):
        env.setdefault(name, '1')
    cmd = base + ['run', '--subunit'] + filters
    if args.concurrency:
        cmd += ['--concurrency', str(args.concurrency)]
    total = _count(base, filters, state_dir, env)
    proc = subprocess.Popen(cmd, cwd=state_dir, env=env,
                            stdout=subprocess.PIPE)
    try:
        return progress.follow(proc.stdout, sys.stdout, total)
    except BaseException:
        proc.terminate()  # interrupted: leave no run behind
        raise
    finally:
        proc.stdout.close()
        proc.wait()


def run(args):
    if args.config_file:
        if not os.path.isfile(args.config_file):
            raise UsageError('no config file at %s' % args.config_file)
        # The preflight reads the same file as the test workers.
        os.environ[config.CONFIG_FILE_ENV] = os.path.abspath(
            args.config_file)
    impl = preflight(args.implementation, args.mode)
    import watcher_conformance.tests as suite
    suite_dir = os.path.dirname(suite.__file__)
    top_dir = os.path.dirname(os.path.dirname(suite_dir))
    os.makedirs(STATE_DIR, exist_ok=True)
    # A fresh stestr repository per run: "stestr last" must never hand back
    # an earlier run's results when this one ran nothing.
    state_dir = tempfile.mkdtemp(prefix='stestr-%s-' % args.mode,
                                 dir=STATE_DIR)
    try:
        stream = _stestr(args, state_dir, suite_dir, top_dir)
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
    results = report.results_from_subunit(io.BytesIO(stream))
    if not results:
        raise UsageError('no test ran (filters: %s); see the output above'
                         % (' '.join(args.filter) or 'none'))
    checks = catalogue.collect()
    data = report.build(results, impl, args.implementation, args.mode,
                        checks, _suite_version())
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
    if getattr(args, 'findings', False):
        return 0  # failed checks are what this run is for: see the report
    return 0 if data['verdict'] == 'pass' else 1


def _suite_version():
    import pbr.version
    try:
        return pbr.version.VersionInfo('watcher-conformance').version_string()
    except Exception:
        return 'unknown'
