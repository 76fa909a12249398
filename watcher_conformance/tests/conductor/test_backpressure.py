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

"""Backpressure: the caller runs when the pool is exhausted; blocking-class
operations answer inline; not-ready resources are retried."""

import threading

from watcher_conformance import catalogue
from watcher_conformance import conductor
from watcher_conformance.contract import MUST
from watcher_conformance.tests.conductor import base


class BackpressureTest(base.ConductorTestCase):

    def occupy_workers(self):
        futures = [self.submit('busy-%d' % r, 'block', 'busy%d' % r,
                               gate='free') for r in range(self.workers)]
        self.wait_until(lambda: len(self.journal.running()) >= self.workers,
                        'every worker busy')
        return futures

    @catalogue.check('c3d9a259-eba8-4792-9da4-7f0eeb5920e3', MUST, """
        When every worker is busy, an operation on an idle resource MUST
        run in the caller before submit returns, and the exhaustion MUST be
        counted.""")
    def test_caller_runs_when_exhausted(self):
        busy = self.occupy_workers()
        before = self.conductor.statistics()['exhausted']
        future = self.submit('extra', 'record', 'extra')
        ran_in_caller = [e for e in self.journal.events()
                         if e['tag'] == 'extra' and e['edge'] == 'end'
                         and e['thread'] == threading.get_ident()]
        after = self.conductor.statistics()['exhausted']
        self.journal.open_gate('free')
        self.results(busy + [future])
        self.assertTrue(ran_in_caller, 'the operation did not run in the '
                        'caller while the pool was exhausted')
        self.assertEqual(before + 1, after)

    @catalogue.check('38fa6f78-7cc8-4a8e-8b37-10e6be08e0b8', MUST, """
        A blocking-class operation MUST return its result inline, after
        the operations submitted before it on its resource.""")
    def test_blocking_operation_returns_inline(self):
        first = self.submit('box', 'block', 'first', gate='go')
        thread, outcome = self.start_thread(
            lambda: self.conductor.submit('box', 'logs', {'tag': 'logs'},
                                          blocking=True))
        self.wait_blocked_or_done(thread)
        early = 'value' in outcome
        self.journal.open_gate('go')
        result = self.finish(outcome, 'submit(blocking=True)')
        self.results([first])
        self.assertFalse(early, 'returned before the operation before it '
                         'on its resource ended')
        self.assertEqual('logs of box', result)
        order = [(e['tag'], e['edge']) for e in self.journal.events()
                 if e['resource'] == 'box']
        self.assertEqual([('first', 'start'), ('first', 'end'),
                          ('logs', 'start'), ('logs', 'end')], order)

    @catalogue.check('3b151ad6-0818-4e57-a18e-13108155b15d', MUST, """
        Operations on resources that are not ready MUST be retried later
        without holding workers: other resources' operations MUST go on
        meanwhile in the pool, and each waiting operation MUST run once its
        resource is ready, before those queued behind it.""")
    def test_not_ready_is_retried_while_others_proceed(self):
        waiting = [self.submit('slow-%d' % r, 'not_ready', 'waiting%d' % r,
                               gate='ready') for r in range(self.workers)]
        behind = self.submit('slow-0', 'record', 'behind')
        self.wait_until(lambda: len(set(self.journal.tags('attempt')))
                        == self.workers, 'every first attempt')
        # As many as the pool holds: a conductor whose waiting operations
        # hold the workers runs every one of them in the caller.
        others = [self.submit('fast-%d' % r, 'record', 'fast%d' % r)
                  for r in range(self.workers)]
        self.results(others)
        in_caller = {e['tag'] for e in self.journal.events()
                     if e['tag'].startswith('fast')
                     and e['thread'] == threading.get_ident()}
        self.assertLess(len(in_caller), self.workers,
                        'operations waiting for their resource held every '
                        'worker: the others all ran in the caller')
        self.assertFalse(any(f.done() for f in waiting),
                         'done before its resource was ready')
        self.journal.open_gate('ready')
        self.results(waiting + [behind])
        self.assertEqual(['waiting0', 'behind'],
                         self.journal.tags('start', 'slow-0'))

    @catalogue.check('db1be852-6100-4ab8-aa2f-a7d3a5a40e7e', MUST, """
        An operation whose resource never gets ready MUST fail after a
        bounded number of attempts, and be recorded FAILED.""")
    def test_never_ready_fails(self):
        future = self.submit('never', 'not_ready', 'never', gate='never')
        with self.bounded('the attempts'):
            self.assertRaises(conductor.NotReady, future.result,
                              self.conf.wait_timeout)
        self.assertEqual([conductor.FAILED],
                         [s[4] for s in self.states() if s[3] == 'never'])
