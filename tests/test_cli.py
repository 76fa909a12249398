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

"""The watcher-conformance command, run as users run it."""

import json
import os
import subprocess
import sys

import fixtures

from tests import base

ONE_CHECK = 'test_submit_passes_arguments_and_returns_result'


class CommandTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.cwd = os.getcwd()  # tests.broken must be importable from here
        self.reports = self.useFixture(fixtures.TempDir()).path

    def command(self, *args):
        env = dict(os.environ, OS_WATCHER_CONFORMANCE__WAIT_TIMEOUT='1.0')
        env.pop('PYTHON', None)
        env.pop('OS_WATCHER_CONFORMANCE__MODE', None)
        return subprocess.run(
            [sys.executable, '-m', 'watcher_conformance.cmd.main'] +
            list(args), cwd=self.cwd, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, universal_newlines=True)

    def assert_usage_error(self, result, *fragments):
        self.assertEqual(2, result.returncode, result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), result.stderr)
        self.assertTrue(lines[0].startswith('watcher-conformance: '))
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def test_unknown_implementation(self):
        self.assert_usage_error(self.command('run', '--implementation',
                                             'nosuch'),
                                "'nosuch'", 'installed implementations: '
                                'reference')

    def test_failing_import_path(self):
        self.assert_usage_error(
            self.command('run', '--implementation', 'nosuch.mod:IMPL'),
            'ModuleNotFoundError', 'installed implementations')

    def test_missing_method(self):
        self.assert_usage_error(
            self.command('run', '--implementation',
                         'tests.broken.contract_errors:MISSING_METHOD'),
            'threadpool', "'do_while_futures_modify'")

    def test_unknown_mode_is_refused(self):
        self.assertEqual(2, self.command('run', '--mode', 'fibres').returncode)

    def run_one(self, implementation, mode):
        report = os.path.join(self.reports, 'r.json')
        result = self.command('run', '--implementation', implementation,
                              '--mode', mode, '--filter', ONE_CHECK,
                              '--report', report)
        with open(report) as f:
            return result, json.load(f)

    def test_run_writes_report_and_passes_the_reference(self):
        result, report = self.run_one('reference', 'eventlet')
        self.assertEqual(0, result.returncode, result.stdout[-2000:])
        self.assertEqual('pass', report['verdict'])
        self.assertEqual('eventlet', report['mode'])
        self.assertEqual('reference', report['implementation']['name'])
        self.assertEqual({'MUST': {'passed': 1, 'failed': 0, 'skipped': 0}},
                         report['summary']['threadpool'])
        test, = report['tests']
        self.assertEqual(('threadpool', 'MUST', 'passed'),
                         (test['area'], test['level'], test['status']))
        self.assertIn('[id-%s' % test['idempotent_id'], test['test_id'])

    def test_failed_must_check_exits_non_zero(self):
        result, report = self.run_one(
            'tests.broken.threadpools:DROPS_KEYWORD_ARGUMENTS', 'threading')
        self.assertEqual(1, result.returncode, result.stdout[-2000:])
        self.assertEqual('fail', report['verdict'])
        test, = report['tests']
        self.assertEqual('failed', test['status'])
        self.assertTrue(test['reason'])
        self.assertIn('NOT CONFORMANT', result.stdout)

    def test_list_prints_the_catalogue(self):
        result = self.command('list', '--format', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        checks = json.loads(result.stdout)
        self.assertGreaterEqual(len(checks), 25)
        self.assertEqual({'id', 'level', 'description', 'feature', 'area',
                          'test'}, set(checks[0]))
