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

"""The run survives hostile implementations and says the truth about them
(tests/hostile/), in the mode of this test run."""

import json
import os
import signal
import stat
import time
import uuid

import fixtures

from tests import cli
from tests import html_page
from watcher_conformance import catalogue

#: How many checks of the threadpool area a --filter test_submit run lists.
SUBMIT_CHECKS = len([c for c in catalogue.collect()
                     if c.area == 'threadpool' and 'test_submit' in c.test])


class HangTest(cli.CommandTestCase):

    def test_hang_reports_its_bound_and_every_stack(self):
        # submit() hangs inside "except Exception": the check still fails
        # with the bound's own reason, and the stacks reach every output.
        result, report = self.run_one(
            'tests.hostile.implementations:HANGS_IN_SUBMIT', self.mode)
        self.assertEqual(1, result.returncode, result.stdout[-2000:])
        test, = report['tests']
        self.assertEqual('failed', test['status'])
        self.assertIn('submit did not finish within 1.00 s', test['reason'])
        self.assertIn('_submit_hangs_swallowing', test['stacks'])
        self.assertIn('did not finish within 1.00 s', result.stdout)
        with open(os.path.join(self.reports, 'r.html')) as f:
            page = html_page.Page(f.read())
        self.assertIn('did not finish within', page.one(
            cls='reason').text)
        self.assertIn('_submit_hangs_swallowing', page.one(
            'details', cls='stacks').text)

    def test_hang_in_a_c_call_is_bounded_with_its_reason(self):
        # Under eventlet the call stops the hub itself: no green timer can
        # fire, a signal must. 120 s of sleep; the bound is 1 s.
        start = time.monotonic()
        result, report = self.run_one(
            'tests.hostile.implementations:BLOCKS_IN_C', self.mode)
        self.assertLess(time.monotonic() - start, 60)
        test, = report['tests']
        self.assertEqual('failed', test['status'])
        self.assertIn('did not finish within 1.00 s', test['reason'])
        self.assertIn('_submit_blocks_in_c', test['stacks'])


class WorkerDeathTest(cli.CommandTestCase):

    def run_dying(self, implementation):
        report = os.path.join(self.reports, 'r.json')
        result = self.command('run', '--implementation', implementation,
                              '--mode', self.mode, '--area', 'threadpool',
                              '--filter', 'test_submit', '--report', report)
        with open(report) as f:
            return result, json.load(f)

    def assert_every_check_accounted(self, result, report, how):
        self.assertEqual(1, result.returncode, result.stdout[-2000:])
        self.assertEqual('fail', report['verdict'])
        self.assertEqual(SUBMIT_CHECKS, len(report['tests']),
                         'a check vanished from the report')
        for test in report['tests']:
            self.assertEqual('failed', test['status'])
            self.assertIn('the worker running this check died (%s' % how,
                          test['reason'])

    def test_exit_of_the_worker_fails_the_check_with_its_status(self):
        result, report = self.run_dying(
            'tests.hostile.implementations:DIES_IN_SUBMIT')
        self.assert_every_check_accounted(result, report, 'exit status 3')

    def test_signal_to_the_worker_fails_the_check_with_its_name(self):
        result, report = self.run_dying(
            'tests.hostile.implementations:KILLED_IN_SUBMIT')
        self.assert_every_check_accounted(result, report,
                                          'killed by SIGKILL')


def _processes_with(marker):
    """Pids of the processes whose environment holds *marker*."""
    found = []
    for pid in os.listdir('/proc'):
        try:
            with open('/proc/%s/environ' % pid, 'rb') as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


class InterruptionTest(cli.CommandTestCase):

    def interrupt(self, signum):
        # Every process the run starts inherits the marker: none may be
        # left once the command has exited.
        marker = 'WATCHER_CONFORMANCE_TEST_RUN=%s' % uuid.uuid4()
        name, value = marker.split('=')
        report = os.path.join(self.reports, 'r.json')
        proc = self.start(
            'run', '--implementation',
            'tests.hostile.implementations:SLOW_SUBMIT', '--mode', self.mode,
            '--area', 'threadpool', '--report', report,
            extra_env={name: value})
        lines = []
        for line in proc.stdout:  # the first finished check, then stop
            lines.append(line)
            if line.startswith('['):
                break
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(128 + signum, proc.returncode, ''.join(lines) + out
                         + err)
        self.assertIn('interrupted (%s)' % signal.Signals(signum).name, out)
        self.assertEqual([], _processes_with(marker),
                         'processes the run started outlived it')
        with open(report) as f:
            data = json.load(f)
        self.assertEqual('interrupted', data['verdict'])
        self.assertGreaterEqual(len(data['tests']), 1)
        # Only what finished: no check is blamed for being cut short.
        self.assertEqual([], [t['test_id'] for t in data['tests']
                              if t['status'] == 'failed'
                              and not t['reason']])
        with open(os.path.join(self.reports, 'r.html')) as f:
            page = html_page.Page(f.read())
        self.assertEqual('INTERRUPTED', page.one(id='verdict').text)

    def test_sigterm_ends_every_process_and_keeps_what_finished(self):
        self.interrupt(signal.SIGTERM)

    def test_sigint_ends_every_process_and_keeps_what_finished(self):
        self.interrupt(signal.SIGINT)


class FloodTest(cli.CommandTestCase):

    def test_flooded_output_is_cut_and_the_verdict_kept(self):
        result, report = self.run_one(
            'tests.hostile.implementations:FLOODS_OUTPUT', self.mode)
        self.assertEqual(1, result.returncode, result.stdout[-2000:])
        test, = report['tests']
        self.assertIn('and the check fails', test['reason'])
        stream = os.path.join(self.reports, 'r.subunit')
        self.assertLess(os.path.getsize(stream), 1024 * 1024,
                        '24 MB of output reached the stream uncut')
        with open(stream, 'rb') as f:
            self.assertIn(b'bytes cut by watcher-conformance', f.read())


class LeftoversTest(cli.CommandTestCase):

    def test_a_run_leaves_no_temporary_directory(self):
        # The preflight builds every piece of the reference, the check
        # builds one: none may leave a directory in $TMPDIR.
        tmp = self.useFixture(fixtures.TempDir()).path
        report = os.path.join(self.reports, 'r.json')
        result = self.command(
            'run', '--area', 'conductor', '--filter', 'id-f43f5c86',
            '--report', report, extra_env={'TMPDIR': tmp})
        self.assertEqual(0, result.returncode, result.stdout[-2000:])
        self.assertEqual([], os.listdir(tmp))


class EnvironmentTest(cli.CommandTestCase):

    def test_a_server_that_does_not_start_is_not_blamed_on_the_code(self):
        # A redis-server that dies at once, first on the PATH.
        bin_dir = self.useFixture(fixtures.TempDir()).path
        fake = os.path.join(bin_dir, 'redis-server')
        with open(fake, 'w') as f:
            f.write('#!/bin/sh\necho "FATAL: fake server, cannot bind"\n'
                    'exit 1\n')
        os.chmod(fake, stat.S_IRWXU)  # run by its owner only
        report = os.path.join(self.reports, 'r.json')
        result = self.command(
            'run', '--area', 'conductor', '--filter', 'id-b69105af',
            '--report', report, extra_env={
                'PATH': bin_dir + os.pathsep + os.environ['PATH']})
        with open(report) as f:
            data = json.load(f)
        test, = data['tests']
        self.assertEqual('skipped', test['status'], test['message'])
        self.assertIn('the environment failed, not the implementation',
                      test['reason'])
        self.assertIn('FATAL: fake server, cannot bind', test['reason'])
        self.assertEqual('untested', data['verdict'])
        self.assertEqual(3, result.returncode)


class TwoRunsTest(cli.CommandTestCase):

    def test_two_runs_in_one_directory_keep_apart(self):
        # Same directory, same report path, at the same time: each run has
        # its own state, and the report is whole (written atomically).
        report = os.path.join(self.reports, 'r.json')
        runs = [self.start('run', '--mode', self.mode, '--area',
                           'threadpool', '--filter', 'test_submit',
                           '--report', report) for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        self.assertEqual([0, 0], [run.returncode for run in runs], outputs)
        with open(report) as f:
            data = json.load(f)
        self.assertEqual('pass', data['verdict'])
        self.assertEqual(SUBMIT_CHECKS, len(data['tests']))
        self.assertEqual([], [n for n in os.listdir(self.reports)
                              if n.endswith('.tmp') or 'partial' in n])


class FullDiskTest(cli.CommandTestCase):

    def test_a_full_disk_is_not_blamed_on_the_code(self):
        result, report = self.run_one(
            'tests.hostile.implementations:DISK_FULL', self.mode)
        test, = report['tests']
        self.assertEqual('skipped', test['status'], test['message'])
        self.assertIn('the environment failed, not the implementation',
                      test['reason'])
        self.assertIn('No space left on device', test['reason'])
        self.assertEqual('untested', report['verdict'])
        self.assertEqual(3, result.returncode)
