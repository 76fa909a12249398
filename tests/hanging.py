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

"""A test case that hangs, for the deadlock guard's tests (not collected:
the module name does not start with test)."""

import threading

import testtools

from watcher_conformance.fixtures import deadlock


class Hangs(testtools.TestCase):
    """Waits forever on an event nobody sets, under a short guard."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deadlock.report_hangs(self)

    def test_hang(self):
        self.useFixture(deadlock.DeadlockGuard(0.3, what='the hanging test'))
        threading.Event().wait()

    def test_hang_in_limit(self):
        guard = self.useFixture(deadlock.DeadlockGuard(30))
        with guard.limit(0.2, 'the hanging call'):
            threading.Event().wait()

    def test_hang_in_cleanup(self):
        self.useFixture(deadlock.DeadlockGuard(0.3, what='the test'))
        self.addCleanup(threading.Event().wait)

    def test_hang_in_body_and_cleanup(self):
        self.useFixture(deadlock.DeadlockGuard(0.3, what='the test'))
        self.addCleanup(threading.Event().wait)
        threading.Event().wait()

    def test_hang_swallowed_by_except_exception(self):
        # Code under test that catches Exception must not turn the hang
        # into an ordinary failure (or a pass).
        self.useFixture(deadlock.DeadlockGuard(0.3, what='the test'))
        try:
            threading.Event().wait()
        except Exception:
            pass

    def test_quick(self):
        self.useFixture(deadlock.DeadlockGuard(0.3))


class Extends(testtools.TestCase):
    """A test that needs longer than its guard's bound, and says so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deadlock.report_hangs(self)

    def test_extended(self):
        guard = self.useFixture(deadlock.DeadlockGuard(0.3))
        guard.extend(1.0)
        threading.Event().wait(0.6)  # past 0.3 s, within 1.3 s

    def test_extended_still_bounded(self):
        guard = self.useFixture(deadlock.DeadlockGuard(0.3, what='the test'))
        guard.extend(0.3)
        threading.Event().wait()
