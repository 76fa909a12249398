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

"""States and recovery: every hand-off is recorded; a restart loses no
operation and runs none twice."""

from watcher_conformance import catalogue
from watcher_conformance import conductor
from watcher_conformance.contract import MUST
from watcher_conformance.tests.conductor import base


class StateTest(base.ConductorTestCase):

    @catalogue.check('91749950-8a6b-49aa-bce2-ae97278745ff', MUST, """
        An operation's hand-offs MUST be recorded as they happen: QUEUED
        behind another on its resource, RUNNING while it runs, DONE when it
        is.""")
    def test_hand_offs_are_recorded(self):
        first = self.submit('box', 'block', 'first', gate='go')
        second = self.submit('box', 'record', 'second')
        self.wait_until(lambda: 'first' in self.journal.running(),
                        'the first operation starting')
        during = {s[3]: s[4] for s in self.states()}
        self.journal.open_gate('go')
        self.results([first, second])
        self.assertEqual({'first': conductor.RUNNING,
                          'second': conductor.QUEUED}, during)
        self.assertEqual({'first': conductor.DONE, 'second': conductor.DONE},
                         {s[3]: s[4] for s in self.states()})


class RecoveryTest(base.ConductorTestCase):

    @catalogue.check('5cad71b5-7513-43d9-9ed7-e90e18c13210', MUST, """
        After a conductor process dies, recovering it MUST run once every
        operation it had not started, in order, MUST fail the one it was
        running, and MUST run none twice.""")
    def test_recovery_after_crash(self):
        dead = self.member + '-dead'
        plan = [['box', 'block', {'tag': 'running', 'gate': 'never'}],
                ['box', 'record', {'tag': 'queued-1'}],
                ['box', 'record', {'tag': 'queued-2'}],
                ['other', 'record', {'tag': 'done'}]]
        process = self.start_worker(dead, plan, self.coordination_url,
                                    then='hang')
        self.journal.open_gate('start')
        # The crash point: one operation done, one running, two queued
        # behind it, as the database says.
        crash_point = {'running': conductor.RUNNING,
                       'queued-1': conductor.QUEUED,
                       'queued-2': conductor.QUEUED, 'done': conductor.DONE}
        self.wait_until(lambda: self.submitted(dead) and {
            s[3]: s[4] for s in self.conductor.states()} == crash_point
            or process.poll() is not None,
            'the other conductor reaching its crash point',
            self.process_bound)
        process.kill()
        process.wait()
        with self.bounded('recover()'):
            futures = self.conductor.recover(dead)
        self.results(futures)
        starts = self.journal.tags('start')
        self.assertEqual({'running': 1, 'queued-1': 1, 'queued-2': 1,
                          'done': 1}, {t: starts.count(t) for t in starts})
        self.assertEqual(['running', 'queued-1', 'queued-2'],
                         self.journal.tags('start', 'box'))
        self.assertEqual({'running': conductor.FAILED,
                          'queued-1': conductor.DONE,
                          'queued-2': conductor.DONE,
                          'done': conductor.DONE},
                         {s[3]: s[4] for s in self.states()})
