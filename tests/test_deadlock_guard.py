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

"""The deadlock guard turns a hang into a failure with stacks."""

import time

import testtools

from tests import base
from tests import hanging


class DeadlockGuardTest(base.TestCase):

    def run_case(self, name):
        result = testtools.TestResult()
        start = time.monotonic()
        hanging.Hangs(name).run(result)
        return result, time.monotonic() - start

    def assert_hang_reported(self, name, what):
        result, elapsed = self.run_case(name)
        self.assertLess(elapsed, 5)
        self.assertEqual(1, len(result.failures), result.errors)
        case, text = result.failures[0]
        self.assertIn('HangDetected: %s did not finish within' % what, text)
        self.assertIn('Thread', case.getDetails()['stacks'].as_text())

    def test_hang_becomes_failure_with_stacks(self):
        self.assert_hang_reported('test_hang', 'the hanging test')

    def test_limit_bounds_one_call(self):
        self.assert_hang_reported('test_hang_in_limit', 'the hanging call')

    def test_hang_is_not_swallowed_by_except_exception(self):
        self.assert_hang_reported('test_hang_swallowed_by_except_exception',
                                  'the test')

    def test_hanging_cleanup_is_bounded(self):
        self.assert_hang_reported('test_hang_in_cleanup', 'the test')

    def test_guard_rearms_for_cleanups_after_a_hang(self):
        result, elapsed = self.run_case('test_hang_in_body_and_cleanup')
        self.assertLess(elapsed, 5)
        self.assertFalse(result.wasSuccessful())

    def test_extended_bound_lets_a_long_test_finish(self):
        result = testtools.TestResult()
        hanging.Extends('test_extended').run(result)
        self.assertTrue(result.wasSuccessful(), result.failures)

    def test_extended_bound_still_ends_a_hang(self):
        result = testtools.TestResult()
        start = time.monotonic()
        hanging.Extends('test_extended_still_bounded').run(result)
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(1, len(result.failures), result.errors)
        self.assertIn('the test did not finish within 0.60 s',
                      result.failures[0][1])

    def test_quick_test_is_untouched(self):
        result, elapsed = self.run_case('test_quick')
        self.assertTrue(result.wasSuccessful())
