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

"""``tox -e mutation-auto``: Cosmic Ray's mutants of the reference, judged
by the suite, per target and mode.

``python -m tests.mutants.auto [--target T]... [--mode M]... [--workers N]``

A shard is one (target, mode). Each has its own workspace under
``.mutation/<target>-<mode>/``: a copy of the tree that Cosmic Ray mutates
(the checkout is never touched, so the suite can run beside it) and its
session database. A session is resumable: running the same shard again
executes only the mutants not yet judged, until the mutated files change,
which starts a new session; a change of the suite sends its survivors to be
judged again. ``--workers N`` spreads a shard over N Cosmic
Ray HTTP workers (each in its own copy of the tree, on loopback); Cosmic
Ray's ``http`` distributor can as well reach workers on other machines.

Before any mutant, the unmutated reference must pass the shard's checks
(else every verdict would mean nothing: exit status 2). After the run, the
shard's figures and survivors go to ``reports/mutation/<target>-<mode>.json``
with Cosmic Ray's HTML report beside it, and a line is printed:
``killed / (judged - equivalent)``, the equivalent mutants being those
``tests/mutants/survivors.json`` says cannot change behaviour. Exit status 1
when a survivor has no disposition there, or the kill rate of a shard is
below ``--min-rate`` (default 90%).
"""

import argparse
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time

from cosmic_ray import work_db
from cosmic_ray import work_item

from tests.mutants import kill
from tests.mutants import survivors
from tests.mutants import targets
from watcher_conformance import modes

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
#: What a copy of the tree needs: the mutated reference, the suite and the
#: test command.
TREE = ('reference', 'watcher_conformance', 'tests')
#: Seconds a mutant's checks may take before the mutant counts as killed
#: (a hang): well over a whole shard's checks on a loaded 2-core machine.
TIMEOUT = 300.0


def _copy_tree(dest):
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    for name in TREE:
        shutil.copytree(os.path.join(TOP, name), os.path.join(dest, name),
                        ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


def _digest(paths):
    digest = hashlib.sha256()
    for path in sorted(paths):
        with open(os.path.join(TOP, path), 'rb') as f:
            digest.update(path.encode() + b'\0' + f.read())
    return digest.hexdigest()


def _suite_files():
    """The checks and what they stand on: the suite's package."""
    for folder, _, names in os.walk(os.path.join(TOP, 'watcher_conformance')):
        for name in names:
            if name.endswith('.py'):
                yield os.path.relpath(os.path.join(folder, name), TOP)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Shard:
    """One target in one mode: its workspace, session and Cosmic Ray."""

    def __init__(self, target, mode, workers=1, root=None):
        self.target, self.mode, self.workers = target, mode, workers
        self.name = '%s-%s' % (target.name, mode)
        self.dir = os.path.join(root or os.path.join(TOP, '.mutation'),
                                self.name)
        self.tree = os.path.join(self.dir, 'tree')
        self.session = os.path.join(self.dir, 'session.sqlite')
        self.config = os.path.join(self.dir, 'cosmic-ray.toml')

    def env(self, tree=None):
        return dict(os.environ, PYTHONPATH=tree or self.tree,
                    PYTHONDONTWRITEBYTECODE='1',
                    **{modes.ENV_VAR: self.mode,
                       kill.TIMINGS_ENV: os.path.join(self.dir,
                                                      'timings.json')})

    def command(self):
        return '%s -m watcher_conformance.boot -m tests.mutants.kill %s' % (
            sys.executable, self.target.name)

    def prepare(self):
        """A fresh tree, and the session: a new one when the mutated files
        changed (the mutants are others); when only the suite changed,
        the survivors are judged again (killed ones stay killed)."""
        os.makedirs(self.dir, exist_ok=True)
        _copy_tree(self.tree)
        stamps = {'target': _digest(self.target.paths),
                  'suite': _digest(_suite_files())}
        stamp_file = os.path.join(self.dir, 'stamp.json')
        old = {}
        if os.path.exists(stamp_file):
            with open(stamp_file) as f:
                old = json.load(f)
        if old.get('target') != stamps['target'] and os.path.exists(
                self.session):
            os.remove(self.session)
        self._write_config([])
        if not os.path.exists(self.session):
            self._cosmic_ray('init', self.config, self.session)
        elif old.get('suite') != stamps['suite']:
            with sqlite3.connect(self.session) as db:
                db.execute("DELETE FROM work_results "
                           "WHERE test_outcome = 'SURVIVED'")
        with open(stamp_file, 'w') as f:
            json.dump(stamps, f)

    def _write_config(self, urls):
        lines = [
            '[cosmic-ray]',
            'module-path = %s' % json.dumps(list(self.target.paths)),
            'timeout = %.1f' % TIMEOUT,
            'excluded-modules = []',
            'test-command = %s' % json.dumps(self.command()),
            '[cosmic-ray.distributor]',
            'name = "%s"' % ('http' if urls else 'local'),
        ]
        if urls:
            lines += ['[cosmic-ray.distributor.http]',
                      'worker-urls = %s' % json.dumps(urls)]
        with open(self.config, 'w') as f:
            f.write('\n'.join(lines) + '\n')

    def _cosmic_ray(self, *args):
        subprocess.run([sys.executable, '-m', 'cosmic_ray.cli'] + list(args),
                       cwd=self.tree, env=self.env(), check=True,
                       stdout=subprocess.DEVNULL)

    def baseline_fails(self):
        """The unmutated reference must pass the shard's checks (and its
        run records how long each takes)."""
        timings = os.path.join(self.dir, 'timings.json')
        if os.path.exists(timings):
            os.remove(timings)
        run = subprocess.run(self.command().split(), cwd=self.tree,
                             env=self.env(), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        return run.stdout if run.returncode else None

    def execute(self):
        """Judge every mutant not judged yet."""
        if self.workers <= 1:
            self._cosmic_ray('exec', self.config, self.session)
            return
        workers = []
        try:
            urls = []
            for i in range(self.workers):
                tree = os.path.join(self.dir, 'worker-%d' % i)
                _copy_tree(tree)
                port = _free_port()
                workers.append(subprocess.Popen(
                    [sys.executable, '-m', 'cosmic_ray.cli', 'http-worker',
                     '--port', str(port)], cwd=tree, env=self.env(tree),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                urls.append('http://127.0.0.1:%d' % port)
            for url in urls:
                _wait_listening(url)
            self._write_config(urls)
            self._cosmic_ray('exec', self.config, self.session)
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait()
            self._write_config([])

    def outcome(self):
        """(counts, survivors) of the session as it stands."""
        counts = dict.fromkeys(('killed', 'survived', 'incompetent',
                                'skipped', 'pending'), 0)
        found = []
        with work_db.use_db(self.session, work_db.WorkDB.Mode.open) as db:
            results = dict(db.results)
            for item in db.work_items:
                result = results.get(item.job_id)
                if result is None:
                    counts['pending'] += 1
                elif result.worker_outcome == work_item.WorkerOutcome.SKIPPED:
                    counts['skipped'] += 1
                elif result.test_outcome == work_item.TestOutcome.SURVIVED:
                    counts['survived'] += 1
                    found.append(survivors.Survivor.of(item, self.tree))
                elif result.test_outcome == work_item.TestOutcome.KILLED:
                    counts['killed'] += 1
                else:  # incompetent or abnormal: not a verdict of the suite
                    counts['incompetent'] += 1
        return counts, found

    def html(self, path):
        with open(path, 'w') as f:
            subprocess.run([sys.executable, '-m', 'cosmic_ray.tools.html',
                            self.session], cwd=self.tree, env=self.env(),
                           stdout=f, check=False)


def _wait_listening(url, timeout=30.0):
    host, port = url.rsplit('/', 1)[-1].split(':')
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, int(port)), 1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError('cosmic-ray http-worker at %s did not '
                                   'start within %.0f s' % (url, timeout))
            time.sleep(0.2)  # polling a port another process opens


def rate(counts, equivalent):
    """Killed over the non-equivalent mutants judged, in percent."""
    judged = counts['killed'] + counts['survived'] - equivalent
    return 100.0 * counts['killed'] / judged if judged else 100.0


def run_shard(shard, known, report_dir, min_rate):
    """Run one shard; print and write its figures; return its failures."""
    shard.prepare()
    failure = shard.baseline_fails()
    if failure:
        raise SystemExit('mutation-auto: the unmutated reference fails the '
                         'checks of %s:\n%s' % (shard.name, failure[-3000:]))
    shard.execute()
    counts, found = shard.outcome()
    dispositions = known.of(shard.target.name, shard.mode)
    unexplained = [s for s in found if s.key() not in dispositions]
    equivalent = sum(1 for s in found if dispositions.get(s.key(), {})
                     .get('equivalent'))
    kill_rate = rate(counts, equivalent)
    os.makedirs(report_dir, exist_ok=True)
    base = os.path.join(report_dir, shard.name)
    with open(base + '.json', 'w') as f:
        json.dump({'target': shard.target.name, 'mode': shard.mode,
                   'paths': list(shard.target.paths), 'counts': counts,
                   'equivalent': equivalent, 'kill_rate': kill_rate,
                   'survivors': [s.as_dict() for s in found],
                   'unexplained': [s.as_dict() for s in unexplained]},
                  f, indent=2)
    shard.html(base + '.html')
    print('%-22s killed %4d  survived %3d (equivalent %d, unexplained %d)  '
          'incompetent %d  pending %d  kill rate %.1f%%'
          % (shard.name, counts['killed'], counts['survived'], equivalent,
             len(unexplained), counts['incompetent'], counts['pending'],
             kill_rate))
    sys.stdout.flush()
    problems = []
    if unexplained:
        problems.append('%s: %d survivor(s) without a disposition in %s'
                        % (shard.name, len(unexplained), survivors.PATH))
    if kill_rate < min_rate:
        problems.append('%s: kill rate %.1f%% is below %.1f%%'
                        % (shard.name, kill_rate, min_rate))
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--target', action='append',
                        choices=sorted(targets.TARGETS),
                        help='a target to mutate (repeatable; default all)')
    parser.add_argument('--mode', action='append',
                        choices=sorted(modes.MODES),
                        help='a mode (repeatable; default all)')
    parser.add_argument('--workers', type=int, default=1,
                        help='Cosmic Ray HTTP workers per shard')
    parser.add_argument('--min-rate', type=float, default=90.0,
                        help='the lowest kill rate that passes, in percent')
    parser.add_argument('--report-dir',
                        default=os.path.join(TOP, 'reports', 'mutation'))
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error('--workers must be at least 1')
    known = survivors.load()
    problems = []
    for name in args.target or sorted(targets.TARGETS):
        for mode in args.mode or sorted(modes.MODES):
            shard = Shard(targets.TARGETS[name], mode, args.workers)
            problems += run_shard(shard, known, args.report_dir,
                                  args.min_rate)
    for line in problems:
        sys.stderr.write('mutation-auto: %s\n' % line)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
