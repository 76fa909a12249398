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

r"""Run the suite as a plugin of the real Tempest, and check what ran.

``tox -e tempest`` runs this. In a throwaway workspace made by ``tempest
init`` (no cloud: the suite needs none), it checks that:

#. ``tempest list-plugins`` lists the plugin;
#. ``tempest run --regex '^watcher_conformance\.tests\.'`` (the whole
   suite) passes in each mode, the mode taken from
   ``[watcher_conformance] mode`` in the workspace's ``tempest.conf``:
   every check of the catalogue ran, none failed, and the eventlet-only
   checks passed in eventlet mode and skipped in threading mode (so the run
   really was in the mode the file names);
#. ``tempest run --regex id-<uuid>`` runs exactly that one check, with the
   mode from ``OS_WATCHER_CONFORMANCE__MODE`` winning over the file.

It reads each run's results from ``stestr last --subunit``, builds the
suite's JSON report from them, and writes it to
``REPORT_DIR/tempest-<mode>.json``. Exit status 1, with one line saying
what was wrong, when a check fails.
"""

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile

from watcher_conformance import catalogue
from watcher_conformance import loader
from watcher_conformance import report

PLUGIN = 'watcher_conformance'
REGEX = r'^watcher_conformance\.tests\.'
IMPLEMENTATION = 'reference'
#: Checks that exist only under eventlet (they skip in threading mode):
#: whether they ran tells the mode a run was in.
EVENTLET_ONLY = frozenset([
    '026f5195-1c73-498b-b187-297c87283cba',  # offloaded blocking call
    '8452db89-c3e5-41c5-8992-6bed5a6d7624',  # record loop yields
    '504ff126-f5fd-4067-9a1d-60d722447797',  # callback loop yields
])
#: The check selected by its idempotent id: eventlet-only, so it passes
#: only if the environment's mode won over the file's.
BY_ID = '504ff126-f5fd-4067-9a1d-60d722447797'


class CheckError(Exception):
    """What Tempest did is not what it should have done."""


def clean_environment():
    """The caller's environment without anything that would choose the
    suite's configuration or Tempest's behind the workspace's back."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('OS_WATCHER_CONFORMANCE__', 'TEMPEST_'))}
    # Tempest sets PYTHON for its workers itself; the plugin, not
    # watcher_conformance.boot, must enter the mode here.
    for name in ('PYTHON', 'WATCHER_CONFORMANCE_CONFIG'):
        env.pop(name, None)
    return env


class Workspace:
    """A Tempest workspace in a temporary directory."""

    def __init__(self, root):
        self.root = root
        self.path = os.path.join(root, 'workspace')
        self.tempest = os.path.join(os.path.dirname(sys.executable),
                                    'tempest')
        self.env = clean_environment()
        self.base_conf = ''

    def call(self, *args, env=None, capture=False):
        """Run the tempest command in the workspace; its output, or None."""
        proc = subprocess.run(
            [self.tempest] + list(args), cwd=self.path,
            env=dict(self.env, **(env or {})), text=True,
            stdout=subprocess.PIPE if capture else None)
        if proc.returncode:
            raise CheckError('tempest %s exited with status %d'
                             % (' '.join(args), proc.returncode))
        return proc.stdout

    def init(self):
        # The workspace registry goes to the temporary directory too: a
        # check must not edit ~/.tempest.
        subprocess.run(
            [self.tempest, 'init', '--workspace-path',
             os.path.join(self.root, 'workspace.yaml'), self.path],
            env=self.env, check=True, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        with open(self.conf_path()) as f:
            self.base_conf = f.read()

    def conf_path(self):
        return os.path.join(self.path, 'etc', 'tempest.conf')

    def configure(self, mode):
        """tempest.conf as ``tempest init`` wrote it, plus our section."""
        with open(self.conf_path(), 'w') as f:
            f.write(self.base_conf)
            f.write('\n[watcher_conformance]\nimplementation = %s\n'
                    'mode = %s\n' % (IMPLEMENTATION, mode))

    def last_results(self):
        """Per-test results of the last run, from stestr's repository."""
        proc = subprocess.run(
            [sys.executable, '-m', 'stestr', 'last', '--subunit'],
            cwd=self.path, env=self.env, stdout=subprocess.PIPE, check=True)
        return report.results_from_subunit(io.BytesIO(proc.stdout))


def check_plugin_listed(ws):
    out = ws.call('list-plugins', capture=True)
    rows = [line for line in out.splitlines()
            if '| %s ' % PLUGIN in line
            and 'watcher_conformance.tempest_plugin:' in line]
    if not rows:
        raise CheckError('tempest list-plugins does not list %s:\n%s'
                         % (PLUGIN, out))
    print('tempest list-plugins: %s' % ' '.join(rows[0].split()))


def check_mode_run(ws, mode, checks, report_dir):
    ws.configure(mode)
    print('--- tempest run --regex %r (tempest.conf: mode = %s)'
          % (REGEX, mode), flush=True)
    ws.call('run', '--regex', REGEX)
    results = ws.last_results()
    expected = {c.id for c in checks}
    data = report.build(results, loader.load(IMPLEMENTATION),
                        IMPLEMENTATION, mode, checks)
    tests = data['tests']
    ran = {t['idempotent_id'] for t in tests}
    if ran != expected or len(tests) != len(expected):
        raise CheckError('%s: expected the %d checks of the catalogue, got '
                         '%d tests (missing: %s; extra: %s)'
                         % (mode, len(expected), len(tests),
                            sorted(expected - ran), sorted(ran - expected)))
    failed = [t['test_id'] for t in tests if t['status'] == 'failed']
    if failed or data['verdict'] != 'pass':
        raise CheckError('%s: failed: %s' % (mode, ', '.join(failed)))
    skipped = {t['idempotent_id'] for t in tests
               if t['status'] == 'skipped'}
    # Other checks may skip in both modes (a feature the reference does not
    # claim); these tell the modes apart.
    if mode == 'threading':
        wrong = EVENTLET_ONLY - skipped
    else:
        wrong = EVENTLET_ONLY & skipped
    if wrong:
        raise CheckError('%s: eventlet-only checks %s %s: the run was not '
                         'in the mode tempest.conf names'
                         % (mode, sorted(wrong), 'ran' if mode == 'threading'
                            else 'skipped'))
    path = os.path.join(report_dir, 'tempest-%s.json' % mode)
    os.makedirs(report_dir, exist_ok=True)
    report.write(data, path)
    print('%s: %d tests, %d skipped, verdict %s; report: %s'
          % (mode, len(tests), len(skipped), data['verdict'], path))


def check_select_by_id(ws):
    ws.configure('threading')
    print('--- tempest run --regex id-%s (OS_WATCHER_CONFORMANCE__MODE='
          'eventlet over tempest.conf: mode = threading)' % BY_ID,
          flush=True)
    ws.call('run', '--regex', 'id-%s' % BY_ID,
            env={'OS_WATCHER_CONFORMANCE__MODE': 'eventlet'})
    results = ws.last_results()
    ids = [r['id'] for r in results]
    if len(results) != 1 or catalogue.idempotent_id(ids[0]) != BY_ID:
        raise CheckError('selecting id-%s ran %d tests: %s'
                         % (BY_ID, len(results), ids))
    if report.status(results[0]) != 'passed':
        raise CheckError('%s: %s, not passed (was the environment\'s mode '
                         'ignored?)' % (ids[0], results[0]['status']))
    print('id-%s: exactly one test ran and passed: %s' % (BY_ID, ids[0]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--report-dir', default='reports',
                        help='where to write tempest-<mode>.json')
    args = parser.parse_args(argv)
    root = tempfile.mkdtemp(prefix='wc-tempest-')
    try:
        ws = Workspace(root)
        ws.init()
        checks = catalogue.collect()
        check_plugin_listed(ws)
        for mode in ('threading', 'eventlet'):
            check_mode_run(ws, mode, checks, args.report_dir)
        check_select_by_id(ws)
    except (CheckError, subprocess.CalledProcessError) as exc:
        sys.stderr.write('tempest check: %s\n' % exc)
        return 1
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print('tempest check: OK')
    return 0


if __name__ == '__main__':
    sys.exit(main())
