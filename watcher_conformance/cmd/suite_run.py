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

"""The suite under stestr, with every listed check accounted for.

:class:`SuiteRun` lists the checks a run will have, runs them with each
worker watched (:mod:`watcher_conformance.workerwatch`) in a process group
of its own, and accounts for every check listed:

* a check whose worker died while it ran is failed: "the worker running
  this check died", with the worker's exit status or signal and the end of
  its standard error;
* checks that worker never reached run again in a fresh worker (up to
  :data:`RERUNS` times); those still not run are failed: "not run".

Both are written into the run's subunit stream as results of their own, so
the report, built from the stream, never lacks a check it listed.
Interrupted (SIGINT, SIGTERM), the whole process group (stestr, its
workers, every redis-server or helper they started) is ended.
"""

import datetime
import io
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time

import subunit

from watcher_conformance import progress
from watcher_conformance import report
from watcher_conformance import workerwatch

#: Times the checks that no worker reached are run again.
RERUNS = 2
#: Seconds the process group gets to end on SIGTERM before SIGKILL.
GRACE = 5.0


class Interrupted(BaseException):
    """SIGINT or SIGTERM reached the run: :attr:`signum` says which."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class SuiteRun:
    """One run of the suite's checks in *state_dir* (a fresh directory).

    :param base: the stestr command and its global options.
    :param filters: stestr filters (regexes).
    :param env: the workers' environment (the mode's).
    :param concurrency: stestr workers, or 0 for one per CPU.
    :param out: where progress lines go.
    """

    def __init__(self, base, filters, env, state_dir, concurrency=0,
                 out=sys.stdout):
        self.base, self.filters, self.state_dir = base, filters, state_dir
        self.concurrency, self.out = concurrency, out
        self.watch_dir = os.path.abspath(os.path.join(state_dir, 'workers'))
        self.env = dict(env, PYTHON='%s -m watcher_conformance.workerwatch '
                        '%s %s' % (shlex.quote(sys.executable),
                                   shlex.quote(self.watch_dir),
                                   env.get('PYTHON', sys.executable)))
        self.proc = None
        self.kept = io.BytesIO()  # every byte of every stestr run so far
        self.seen_records = 0
        self.deaths = {}  # test id -> how its worker ended

    @property
    def stream(self):
        """The subunit stream so far (also of an interrupted run)."""
        return self.kept.getvalue()

    def listed(self):
        """The ids the run will have, or None when stestr cannot list them
        (the run itself then says why)."""
        # "stestr list" needs the repository that "stestr run" creates.
        subprocess.run(self.base + ['init'], cwd=self.state_dir,
                       env=self.env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        listing = subprocess.run(self.base + ['list'] + self.filters,
                                 cwd=self.state_dir, env=self.env,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
        if listing.returncode:
            return None
        return [line.strip() for line in listing.stdout.splitlines()
                if line.strip()]

    def _stestr(self, args, total):
        cmd = self.base + ['run', '--subunit'] + args
        if self.concurrency:
            cmd += ['--concurrency', str(self.concurrency)]
        # A process group of its own: stop() ends it with all it started.
        self.proc = subprocess.Popen(cmd, cwd=self.state_dir, env=self.env,
                                     stdout=subprocess.PIPE,
                                     start_new_session=True)
        try:
            progress.follow(self.proc.stdout, self.out, total, self.kept)
        except BaseException:
            self.stop()
            raise
        finally:
            self.proc.stdout.close()
            self.proc.wait()
            self.proc = None
        self._note_deaths()

    def _note_deaths(self):
        """Blame the checks left in progress by this stestr run on the
        workers of this run that did not end well."""
        records = workerwatch.read_records(self.watch_dir)
        new, self.seen_records = records[self.seen_records:], len(records)
        ended = sorted({workerwatch.describe(r) for r in new
                        if r.get('returncode')})
        how = '; '.join(ended) or 'how it ended is unknown'
        for test_id, result in self._results().items():
            if result['status'] == 'inprogress':
                self.deaths.setdefault(test_id, how)

    def run(self):
        """Run every check; the subunit stream of the whole run (bytes),
        every listed check in it with a result."""
        ids = self.listed()
        self._stestr(self.filters, len(ids) if ids is not None else None)
        if ids is None:
            return self.stream
        for _ in range(RERUNS):
            unreached = self.unreached(ids)
            if not unreached:
                break
            self.out.write('%d check(s) not reached by a worker: running '
                           'them again in a fresh one\n' % len(unreached))
            with tempfile.NamedTemporaryFile(
                    'w', dir=self.state_dir, suffix='.list',
                    delete=False) as listing:
                listing.write('\n'.join(unreached) + '\n')
            self._stestr(['--load-list', listing.name], len(unreached))
        self._account(ids)
        return self.stream

    def _results(self):
        return {r['id']: r for r in report.results_from_subunit(
            io.BytesIO(self.stream))}

    def unreached(self, ids):
        """Listed checks of which the stream says nothing."""
        results = self._results()
        return [i for i in ids if i not in results]

    def _account(self, ids):
        results = self._results()
        unreached = [i for i in ids if i not in results]
        died = [i for i in self.deaths if results.get(i, {}).get('status')
                == 'inprogress']
        if not died and not unreached:
            return
        out = io.BytesIO()
        writer = subunit.StreamResultToBytes(out)
        for test_id in died:
            self._fail(writer, test_id, 'WorkerDied: the worker running '
                       'this check died (%s)' % self.deaths[test_id])
        for test_id in unreached:
            self._fail(writer, test_id, 'NotRun: this check was not run: '
                       'the workers died before reaching it')
        self.kept.write(out.getvalue())
        for test_id in died + unreached:
            self.out.write('FAIL  %s\n      %s\n' % (
                test_id, 'the worker died while it ran (%s)'
                % self.deaths[test_id] if test_id in died
                else 'not run: the workers died before reaching it'))
        self.out.flush()

    @staticmethod
    def _fail(writer, test_id, text):
        now = datetime.datetime.now(datetime.timezone.utc)
        writer.status(test_id=test_id, test_status='inprogress',
                      timestamp=now)
        writer.status(test_id=test_id, test_status='fail',
                      file_name='traceback', file_bytes=text.encode(),
                      mime_type='text/plain;charset=utf8', eof=True,
                      timestamp=now)

    def stop(self):
        """End stestr, its workers and everything they started (their
        process group): SIGTERM, which workers turn into an interruption
        that runs the checks' cleanups (temporary directories, servers);
        SIGKILL for what is left after :data:`GRACE` seconds."""
        if self.proc is None:
            return
        group = self.proc.pid
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        # Reaping the leader matters: a zombie still counts in its group.
        while _group_alive(group) and time.monotonic() < deadline:
            try:
                self.proc.wait(0.05)
            except subprocess.TimeoutExpired:
                pass
        _signal_group(group, signal.SIGKILL)


def _signal_group(group, signum):
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass


def _group_alive(group):
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
