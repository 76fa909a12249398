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

from tests import cli
from tests import html_page
from tests import test_html_report
from watcher_conformance import report as watcher_report

ONE_CHECK = cli.ONE_CHECK


class CommandTest(cli.CommandTestCase):

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
        # The progress line, and the files beside the report.
        self.assertRegex(result.stdout, r'(?m)^\[1/1\] ok    threadpool +'
                         r'test_submit\.SubmitTest\.%s  \d+\.\d\d s$'
                         % ONE_CHECK)
        self.assertIn('\n1 test in ', result.stdout)
        self.assert_beside_the_report(report, 'CONFORMANT')

    def assert_beside_the_report(self, report, verdict):
        base = os.path.join(self.reports, 'r')
        with open(base + '.html') as f:
            page = html_page.Page(f.read())
        self.assertEqual(verdict, page.one(id='verdict').text)
        # The saved stream holds the results the report was built from.
        with open(base + '.subunit', 'rb') as f:
            results = watcher_report.results_from_subunit(f)
        self.assertEqual([t['test_id'] for t in report['tests']],
                         [r['id'] for r in results])
        with open(base + '-subunit.html') as f:
            self.assertIn(report['tests'][0]['test_id'].split('[')[0]
                          .rsplit('.', 1)[-1], f.read())

    def test_failed_must_check_exits_non_zero(self):
        result, report = self.run_one(
            'tests.broken.threadpools:DROPS_KEYWORD_ARGUMENTS', 'threading')
        self.assertEqual(1, result.returncode, result.stdout[-2000:])
        self.assertEqual('fail', report['verdict'])
        test, = report['tests']
        self.assertEqual('failed', test['status'])
        self.assertTrue(test['reason'])
        self.assertIn('NOT CONFORMANT', result.stdout)
        # A failure's progress line has its reason under it.
        self.assertIn('[1/1] FAIL  threadpool ', result.stdout)
        self.assertIn('\n      %s\n' % test['reason'], result.stdout)
        self.assert_beside_the_report(report, 'NOT CONFORMANT')

    def test_filter_matching_nothing_is_bad_input(self):
        result = self.command('run', '--filter', 'no-such-test-anywhere',
                              '--report', os.path.join(self.reports, 'r.json'))
        self.assert_usage_error(result, 'no test ran')
        self.assertIn("doesn't match", result.stdout)

    def test_html_renders_a_report(self):
        path = os.path.join(self.reports, 'r.json')
        with open(path, 'w') as f:
            json.dump(test_html_report.sample(), f)
        out = os.path.join(self.reports, 'page.html')
        result = self.command('html', path, '-o', out)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual('page: %s\n' % out, result.stdout)
        with open(out) as f:
            page = html_page.Page(f.read())
        self.assertEqual('NOT CONFORMANT', page.one(id='verdict').text)
        self.assertEqual('r.json', page.one('a').attrs['href'])

    def test_html_refuses_what_is_not_a_report(self):
        self.assert_usage_error(
            self.command('html', os.path.join(self.reports, 'none.json')),
            'cannot read', 'none.json')
        path = os.path.join(self.reports, 'bad.json')
        with open(path, 'w') as f:
            f.write('{"verdict": ')
        self.assert_usage_error(self.command('html', path), 'is not JSON')
        with open(path, 'w') as f:
            json.dump({'verdict': 'pass'}, f)
        self.assert_usage_error(self.command('html', path),
                                'not a watcher-conformance report')
        self.assertFalse(os.path.exists(os.path.join(self.reports,
                                                     'bad.html')))

    def test_list_prints_the_catalogue(self):
        result = self.command('list', '--format', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        checks = json.loads(result.stdout)
        self.assertGreaterEqual(len(checks), 25)
        self.assertEqual({'id', 'level', 'description', 'feature', 'area',
                          'test', 'covers'}, set(checks[0]))
