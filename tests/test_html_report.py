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

"""The HTML page of a report: verdict, failures, escaping, loading."""

import copy
import json
import os

import fixtures

from tests import base
from tests import html_page
from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance import html_report

MUST_ID = '11111111-1111-4111-8111-111111111111'
SHOULD_ID = '22222222-2222-4222-8222-222222222222'
SKIP_ID = '33333333-3333-4333-8333-333333333333'
PASS_ID = '44444444-4444-4444-8444-444444444444'
PREFIX = 'watcher_conformance.tests.threadpool.test_x.XTest.'
#: A message that would be markup if it were not escaped: a repr, a tag
#: with an id to look for, a script, an entity.
MESSAGE = ('AssertionError: <Future at 0x7f state=pending> is not done\n'
           '  <b id="injected">3 &amp; 4</b>\n'
           '  <script>document.title = "injected"</script>')
CHECKS = [
    catalogue.Check(MUST_ID, contract.MUST,
                    'A future MUST be done <em>before</em> its callback.',
                    None, 'threadpool', PREFIX + 'test_must'),
    catalogue.Check(SHOULD_ID, contract.SHOULD, 'Callbacks SHOULD be quick.',
                    None, 'threadpool', PREFIX + 'test_should'),
    catalogue.Check(SKIP_ID, contract.MUST, 'Shutdown MUST drain.',
                    'threadpool.shutdown', 'threadpool',
                    PREFIX + 'test_skip'),
    catalogue.Check(PASS_ID, contract.MUST, 'Submit MUST return a future.',
                    None, 'threadpool', PREFIX + 'test_pass')]


def _test(check_id, name, level, status, reason='', message=''):
    return {'test_id': '%s%s[id-%s,%s]' % (PREFIX, name, check_id,
                                           level.lower()),
            'idempotent_id': check_id, 'area': 'threadpool',
            'level': level, 'feature': None, 'status': status,
            'reason': reason, 'message': message, 'duration': 0.01}


def sample():
    """A failing report: a MUST and a SHOULD failure, a skip, a pass."""
    return {
        'implementation': {
            'name': 'broken <pool>', 'version': '1.2.3',
            'spec': 'mypkg.adapter:IMPL', 'description': 'a pool & more',
            'modes': ['threading'], 'features': ['threadpool.wait'],
            'policies': {}},
        'mode': 'threading', 'suite_version': '0.0.1',
        'date': '2026-01-02T03:04:05+00:00', 'verdict': 'fail',
        'summary': {'threadpool': {
            'MUST': {'passed': 1, 'failed': 1, 'skipped': 1},
            'SHOULD': {'passed': 0, 'failed': 1, 'skipped': 0}}},
        'tests': [
            _test(SHOULD_ID, 'test_should', 'SHOULD', 'failed',
                  'AssertionError: slow', 'AssertionError: slow'),
            _test(MUST_ID, 'test_must', 'MUST', 'failed',
                  MESSAGE.splitlines()[0], MESSAGE),
            _test(SKIP_ID, 'test_skip', 'MUST', 'skipped',
                  'feature threadpool.shutdown <not claimed>'),
            _test(PASS_ID, 'test_pass', 'MUST', 'passed')]}


def passing():
    data = sample()
    data['verdict'] = 'pass'
    data['tests'] = [t for t in data['tests'] if t['status'] != 'failed']
    data['summary'] = {'threadpool': {
        'MUST': {'passed': 1, 'failed': 0, 'skipped': 1}}}
    return data


class RenderTest(base.TestCase):

    def page(self, data=None, checks=CHECKS, links=()):
        return html_page.Page(html_report.render(
            sample() if data is None else data, checks, links))

    def test_failing_verdict_leads_the_page(self):
        page = self.page()
        # The first thing in the body is the header, and it holds the
        # verdict.
        body = page.elements.index(page.one('body'))
        self.assertEqual(['header', 'h1'],
                         [e.tag for e in page.elements[body + 1:body + 3]])
        self.assertEqual('NOT CONFORMANT', page.one('h1', id='verdict').text)
        self.assertIn('fail', page.one('header').classes)
        self.assertIn('1 MUST check failed.', page.one(id='headline').text)

    def test_passing_verdict(self):
        page = self.page(passing())
        self.assertEqual('CONFORMANT', page.one(id='verdict').text)
        self.assertIn('pass', page.one('header').classes)
        self.assertIn('No check failed.', page.one(id='failures').text)

    def test_every_failure_listed_must_first(self):
        page = self.page()
        failures = page.find('article', cls='failure')
        self.assertEqual(['id-' + MUST_ID, 'id-' + SHOULD_ID],
                         [f.attrs['id'] for f in failures])
        self.assertIn('Failures (2)', page.one(id='failures').text)

    def test_failure_shows_description_id_reason_and_message(self):
        page = self.page()
        failure = page.one('article', id='id-' + MUST_ID)
        self.assertIn('A future MUST be done <em>before</em> its callback.',
                      failure.text)
        self.assertIn(MUST_ID, failure.text)
        self.assertIn(MESSAGE.splitlines()[0], failure.text)
        self.assertEqual(MESSAGE, page.find('pre', cls='message')[0].text)

    def test_report_text_is_escaped(self):
        source = html_report.render(sample(), CHECKS)
        page = html_page.Page(source)
        self.assertEqual([], page.find(id='injected'))
        self.assertEqual([], page.find('script'))
        self.assertEqual([], page.find('em'))
        self.assertEqual([], page.find('future'))
        self.assertIn('&lt;Future at 0x7f', source)
        self.assertIn('3 &amp;amp; 4', source)
        self.assertIn('broken <pool>', page.one('title').text)

    def test_policies_listed(self):
        data = sample()
        data['implementation']['policies'] = {
            'workflow.failure_policy': 'continue',
            'model_builder.fault_policy': 'raise'}
        text = self.page(data).find('dl', cls='facts')[0].text
        self.assertIn('model_builder.fault_policy = raise, '
                      'workflow.failure_policy = continue', text)

    def test_summary_table_counts(self):
        table = self.page().one('table', id='summary-table').text
        self.assertIn('threadpoolMUST111', table)
        self.assertIn('threadpoolSHOULD010', table)
        self.assertIn('Total121', table)

    def test_skipped_checks_collapsed_with_reasons(self):
        page = self.page()
        skipped = page.one('details', id='skipped')
        self.assertNotIn('open', skipped.attrs)
        self.assertIn('Skipped checks (1)', skipped.text)
        self.assertIn('feature threadpool.shutdown <not claimed>',
                      skipped.text)
        self.assertIn('Submit MUST return a future.',
                      page.one('details', id='passed').text)

    def test_check_outside_the_catalogue(self):
        failure = self.page(checks=[]).one('article', id='id-' + MUST_ID)
        self.assertIn('not in the catalogue', failure.text)

    def test_links_in_the_footer(self):
        page = self.page(links=[('JSON report', 'r.json')])
        link = page.one('a')
        self.assertEqual(('JSON report', 'r.json'),
                         (link.text, link.attrs['href']))

    def test_no_external_asset(self):
        page = self.page(links=[('JSON report', 'r.json')])
        self.assertEqual([], page.find('script') + page.find('link') +
                         page.find('img'))


class LoadTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def write(self, text):
        path = os.path.join(self.dir, 'r.json')
        with open(path, 'w') as f:
            f.write(text)
        return path

    def assert_refused(self, path, fragment):
        exc = self.assertRaises(html_report.ReportError, html_report.load,
                                path)
        self.assertIn(fragment, str(exc))
        self.assertEqual(1, len(str(exc).splitlines()))

    def test_missing_file(self):
        self.assert_refused(os.path.join(self.dir, 'none.json'),
                            'cannot read')

    def test_not_json(self):
        self.assert_refused(self.write('{"verdict": '), 'is not JSON')

    def test_not_a_report(self):
        self.assert_refused(self.write('[1, 2]'),
                            'not a watcher-conformance report')
        data = copy.deepcopy(sample())
        del data['tests']
        self.assert_refused(self.write(json.dumps(data)), 'no tests')

    def test_round_trip(self):
        self.assertEqual(sample(), html_report.load(
            self.write(json.dumps(sample()))))
