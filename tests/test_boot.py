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

"""The boot module: a process that ran its module ends, even when threads
a failed check left behind would keep it alive."""

import os
import subprocess
import sys

from tests import base

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Bounded: without the guard the process would never end.
LIMIT = 60


def _boot(module, *args, grace=0.2):
    code = ('from watcher_conformance import boot; boot.EXIT_GRACE = %r; '
            'boot.main(%r)' % (grace, ['-m', module] + list(args)))
    return subprocess.run([sys.executable, '-c', code], cwd=TOP,
                          capture_output=True, text=True, timeout=LIMIT)


class ExitGuardTest(base.TestCase):

    def test_stuck_thread_is_abandoned_with_the_exit_status(self):
        done = _boot('tests.stuck_at_exit', '3')
        self.assertEqual(3, done.returncode, done.stderr)
        self.assertIn('module done', done.stdout)
        if self.mode == 'eventlet':
            return  # nothing joins green threads at exit: nothing to abandon
        self.assertIn('exit did not complete within 0 s, threads '
                      'abandoned: stuck-worker', done.stderr)

    def test_exit_handler_joining_a_stuck_daemon_is_abandoned(self):
        # futurist's atexit handler joins its (daemon) workers.
        done = _boot('tests.stuck_at_exit', '4', '--daemon')
        self.assertEqual(4, done.returncode, done.stderr)
        self.assertIn('threads abandoned: stuck-worker\n', done.stderr)

    def test_clean_module_exits_normally(self):
        done = _boot('json.tool', '--help')
        self.assertEqual(0, done.returncode, done.stderr)
        self.assertNotIn('abandoned', done.stderr)

    def test_string_exit_code_is_printed_and_fails(self):
        done = _boot('tests.stuck_at_exit', 'no good')
        self.assertEqual(1, done.returncode, done.stderr)
        self.assertIn('no good', done.stderr)
