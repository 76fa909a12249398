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

"""Bad input is one line and exit status 2, before anything runs; never an
oslo traceback, never a run that blames the implementation."""

import os
import subprocess
import sys
import time

import testscenarios

from tests import cli

load_tests = testscenarios.load_tests_apply_scenarios

_ENV = 'OS_WATCHER_CONFORMANCE__'


class BadConfigurationTest(testscenarios.WithScenarios,
                           cli.CommandTestCase):

    scenarios = [
        ('max_workers_not_a_number', {'values': {'MAX_WORKERS': 'abc'},
                                      'says': 'max_workers'}),
        ('max_workers_out_of_range', {'values': {'MAX_WORKERS': '1'},
                                      'says': 'max_workers'}),
        ('negative_timeout', {'values': {'TEST_TIMEOUT': '-1'},
                              'says': 'test_timeout'}),
        ('zero_timeout', {'values': {'WAIT_TIMEOUT': '0'},
                          'says': 'wait_timeout'}),
        ('nan_timeout', {'values': {'WAIT_TIMEOUT': 'nan'},
                         'says': 'wait_timeout'}),
        ('unknown_mode', {'values': {'MODE': 'fibres'}, 'says': 'mode'}),
        ('database_without_a_dialect', {
            'values': {'DATABASE_URL': 'nosuch://x'},
            'says': 'database_url'}),
        ('database_that_cannot_open', {
            'values': {'DATABASE_URL': 'sqlite:////nonexistent/dir/x.db'},
            'says': 'database_url'}),
    ]

    def test_refused_in_one_line(self):
        result = self.command(
            'run', '--filter', cli.ONE_CHECK,
            extra_env={_ENV + k: v for k, v in self.values.items()})
        self.assert_usage_error(result, 'bad configuration', self.says)


class ConfigFileTest(cli.CommandTestCase):

    def write(self, text):
        path = os.path.join(self.reports, 'conformance.conf')
        with open(path, 'w') as f:
            f.write(text)
        return path

    def test_garbage_file_is_refused(self):
        path = self.write('[watcher_conformance\nmax_workers = 3\n')
        self.assert_usage_error(self.command(
            'run', '--config-file', path), 'bad configuration', path)

    def test_missing_file_named_by_the_environment_is_refused(self):
        result = self.command('run', extra_env={
            'WATCHER_CONFORMANCE_CONFIG': '/nonexistent/conformance.conf'})
        self.assert_usage_error(result, 'bad configuration',
                                '/nonexistent/conformance.conf')

    def test_unknown_option_is_a_warning(self):
        path = self.write('[watcher_conformance]\nmax_wokers = 3\n')
        report = os.path.join(self.reports, 'r.json')
        result = self.command('run', '--config-file', path, '--filter',
                              cli.ONE_CHECK, '--report', report)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('warning: config file %s: unknown option '
                      '[watcher_conformance] max_wokers' % path,
                      result.stderr)


class ArgumentsTest(cli.CommandTestCase):

    def test_unknown_area_names_the_known_ones(self):
        self.assert_usage_error(self.command('run', '--area', 'threadpol'),
                                "unknown area 'threadpol'", 'threadpool',
                                'workflow')

    def test_two_areas_run_both(self):
        report = os.path.join(self.reports, 'r.json')
        result = self.command(
            'run', '--area', 'threadpool', '--area', 'workflow',
            '--filter', cli.ONE_CHECK + '|test_cycle_refused',
            '--report', report)
        self.assertEqual(0, result.returncode, result.stdout[-2000:])
        self.assertIn('\n2 tests in ', result.stdout)

    def test_report_path_that_is_a_directory_is_refused(self):
        self.assert_usage_error(
            self.command('run', '--report', self.reports),
            'cannot write the report', 'is a directory')

    def test_report_path_that_cannot_be_written_is_refused(self):
        self.assert_usage_error(
            self.command('run', '--report', '/proc/self/r.json'),
            'cannot write the report')


class PreflightTest(cli.CommandTestCase):

    def test_hanging_factory_is_bounded_and_named(self):
        start = time.monotonic()
        result = self.command(
            'run', '--implementation',
            'tests.hostile.implementations:HANGS_IN_FACTORY',
            extra_env={_ENV + 'TEST_TIMEOUT': '1'})
        self.assertLess(time.monotonic() - start, 30)
        self.assert_usage_error(result, 'threadpool factory',
                                'did not return within 1 s')


class StabilityLoadTest(cli.CommandTestCase):

    def test_load_option_runs_spinners_and_reports_them(self):
        # The stability tool under CPU-bound competitors: the figure it
        # prints names the load; the spinners end with it.
        result = subprocess.run(
            [sys.executable, '-m', 'watcher_conformance.boot', '-m',
             'watcher_conformance.tools.stability', '--area',
             'threadpool', '--repeat', '1', '--load', '2'],
            env=dict(os.environ, OS_WATCHER_CONFORMANCE__MODE=self.mode,
                     OS_WATCHER_CONFORMANCE__WAIT_TIMEOUT='5.0'),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            timeout=300)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertIn('mode %s, load 2, 1 runs' % self.mode, result.stdout)
