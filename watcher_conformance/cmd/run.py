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
from watcher_conformance.cmd import UsageError
from watcher_conformance import config
from watcher_conformance import contract
from watcher_conformance import loader
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


def _stestr(args, state_dir, suite_dir, top_dir):
    base = [sys.executable, '-m', 'stestr', '--test-path', suite_dir,
            '--top-dir', top_dir]
    filters = list(args.filter)
    if args.area:
        filters.append(r'watcher_conformance\.tests\.%s\.'
                       % re.escape(args.area))
    # stestr ORs its filters; an area narrows the user's filters instead.
    if args.area and args.filter:
        filters = ['(?=.*%s)(?=.*(%s))' % (filters[-1],
                                           '|'.join(args.filter))]
    cmd = base + ['run'] + filters
    if args.concurrency:
        cmd += ['--concurrency', str(args.concurrency)]
    env = main.mode_environment(args.mode, args.implementation,
                                args.config_file)
    # stestr's own output (one line per test) is the progress display.
    subprocess.call(cmd, cwd=state_dir, env=env)
    last = subprocess.run(base + ['last', '--subunit'], cwd=state_dir,
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    return last.stdout


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
    data = report.build(results, impl, args.implementation, args.mode,
                        catalogue.collect(), _suite_version())
    path = args.report or os.path.join(
        'reports', '%s-%s.json' % (re.sub(r'[^\w.-]', '_', impl.name),
                                   args.mode))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    report.write(data, path)
    sys.stdout.write(report.format_summary(data))
    sys.stdout.write('report: %s\n' % path)
    if getattr(args, 'findings', False):
        return 0  # failed checks are what this run is for: see the report
    return 0 if data['verdict'] == 'pass' else 1


def _suite_version():
    import pbr.version
    try:
        return pbr.version.VersionInfo('watcher-conformance').version_string()
    except Exception:
        return 'unknown'
