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

"""The watcher-conformance command run as users run it, for our tests (not
collected: the module name does not start with test)."""

import json
import os
import subprocess
import sys

import fixtures

from tests import base

ONE_CHECK = 'test_submit_passes_arguments_and_returns_result'


class CommandTestCase(base.TestCase):
    """Runs the command in a subprocess; reports go to ``self.reports``."""

    def setUp(self):
        super().setUp()
        self.cwd = os.getcwd()  # tests.broken must be importable from here
        self.reports = self.useFixture(fixtures.TempDir()).path

    def start(self, *args, extra_env=None):
        """Start ``watcher-conformance ARGS``, with *extra_env* variables;
        its output piped, as text. Killed at cleanup if still running."""
        env = dict(os.environ, OS_WATCHER_CONFORMANCE__WAIT_TIMEOUT='1.0')
        env.pop('PYTHON', None)
        env.pop('OS_WATCHER_CONFORMANCE__MODE', None)
        env.update(extra_env or {})
        proc = subprocess.Popen(
            [sys.executable, '-m', 'watcher_conformance.cmd.main'] +
            list(args), cwd=self.cwd, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.addCleanup(proc.wait)
        self.addCleanup(proc.kill)
        return proc

    def command(self, *args, extra_env=None):
        """Run ``watcher-conformance ARGS`` to its end, with *extra_env*
        variables."""
        proc = self.start(*args, extra_env=extra_env)
        out, err = proc.communicate()
        return subprocess.CompletedProcess(proc.args, proc.returncode, out,
                                           err)

    def assert_usage_error(self, result, *fragments):
        self.assertEqual(2, result.returncode, result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), result.stderr)
        self.assertTrue(lines[0].startswith('watcher-conformance: '))
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def run_one(self, implementation, mode):
        report = os.path.join(self.reports, 'r.json')
        result = self.command('run', '--implementation', implementation,
                              '--mode', mode, '--filter', ONE_CHECK,
                              '--report', report)
        with open(report) as f:
            return result, json.load(f)
