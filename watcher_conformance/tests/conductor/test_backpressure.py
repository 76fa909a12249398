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
from watcher_conformance.conductor import operations
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.conductor import base


class BackpressureTest(base.ConductorTestCase):

    def occupy_workers(self):
        """W operations on W resources, blocked at the gate ``free``
        (opened at cleanup), each running on a worker: their futures."""
        plan = [('busy-%d' % r, 'block', 'busy%d' % r, {'gate': 'free'})
                for r in range(self.workers)]
        tags = {tag for _, _, tag, _ in plan}
        self.addCleanup(self.journal.open_gate, 'free')
        submitter = self.submit_in_thread(plan)
        stuck = self.wait_submitted(
            submitter, lambda: self.ran_in(submitter.ident, tags)
            and '%s ran in the submitting thread' % self.ran_in(
                submitter.ident, tags))
        if stuck:
            self.journal.open_gate('free')
            self.fail('observed: %s while a worker was free; the contract '
                      'demands that submit hand an operation to a free '
                      'worker and return' % stuck)
        self.join_submitter(submitter)
        self.wait_until(lambda: len(self.journal.running()) >= self.workers,
                        'every worker busy')
        return [submitter.futures[tag] for _, _, tag, _ in plan]

    def exhausted(self):
        with self.bounded('statistics()'):
            return self.conductor.statistics()['exhausted']

    def attempts(self, tag):
        return [e['thread'] for e in self.journal.events()
                if e['tag'] == tag and e['edge'] == 'attempt']

    @catalogue.check(
        'c3d9a259-eba8-4792-9da4-7f0eeb5920e3', MUST, """
        When every worker is busy, an operation on an idle resource MUST
        run in the caller before submit returns, and the exhaustion MUST be
        counted, once; operations handed to free workers MUST NOT be
        counted.""",
        covers=('conductor.exhausted.caller_runs',
                'conductor.exhausted.counted',
                'conductor.exhausted.not_counted_otherwise',
                'conductor.pool.on_worker', 'conductor.submit.result'))
    def test_caller_runs_when_exhausted(self):
        start = self.exhausted()
        busy = self.occupy_workers()  # each handed to a free worker
        before = self.exhausted()
        future = self.submit('extra', 'record', 'extra')
        ran_in_caller = [e for e in self.journal.events()
                         if e['tag'] == 'extra' and e['edge'] == 'end'
                         and e['thread'] == threading.get_ident()]
        after = self.exhausted()
        self.journal.open_gate('free')
        found = self.outcomes({'extra': future})
        self.results(busy)
        self.assertTrue(ran_in_caller, 'observed the operation not run in '
                        'the caller before submit returned, while every '
                        'worker was busy; the contract demands that the '
                        'caller run it (the seed\'s rate limit)')
        self.assertEqual(start, before, 'observed statistics()'
                         '[\'exhausted\'] going from %s to %s over %d '
                         'operations handed to free workers; the contract '
                         'demands it count only operations run in the caller '
                         'because the pool was exhausted'
                         % (start, before, self.workers))
        self.assertEqual(before + 1, after, 'observed statistics()'
                         '[\'exhausted\'] going from %s to %s over one '
                         'operation run in the caller; the contract demands '
                         'one more' % (before, after))
        self.assert_values(found, {'extra': 'extra'})

    @catalogue.check(
        '498b0531-9fcf-456b-85bc-f3d36c37d5e9', MUST, """
        With every worker busy, an operation whose resource is WAITING for
        a retry MUST be queued behind it (QUEUED, not run, not counted as
        exhausted), the waiting one MUST be recorded WAITING, and its retry
        MUST wait for a worker rather than run outside the pool; both MUST
        then run, in order.""",
        covers=('conductor.exhausted.busy_resource_queues',
                'conductor.exhausted.caller_runs',
                'conductor.exhausted.counted',
                'conductor.exhausted.not_counted_otherwise',
                'conductor.pool.bound', 'conductor.pool.on_worker',
                'conductor.states.waiting', 'conductor.states.queued',
                'conductor.order.waiting_holds',
                'conductor.retry.runs_when_ready', 'conductor.submit.result'))
    def test_exhausted_pool_queues_behind_a_waiting_operation(self):
        busy = self.occupy_workers()
        before = self.exhausted()
        # 'slow' has nothing unfinished: the caller runs the first attempt,
        # which is not ready: the operation is left WAITING for a worker.
        head = self.submit('slow', 'not_ready', 'head', gate='ready')
        first = self.attempts('head')
        behind = self.submit('slow', 'record', 'behind')
        after = self.exhausted()
        early = [(e['thread'] == threading.get_ident())
                 for e in self.journal.events()
                 if e['tag'] == 'behind' and e['edge'] == 'start']
        waiting = self.poll(
            lambda: self.state_of().get('head') == conductor.WAITING)
        during = self.state_of()
        # Nothing may happen now: no worker is free.
        probes.settle(self.conf.quiescence_window)
        retried = self.attempts('head')[len(first):]
        self.journal.open_gate('ready')
        self.journal.open_gate('free')
        found = self.outcomes({'head': head, 'behind': behind})
        self.results(busy)
        self.assertEqual([threading.get_ident()], first,
                         'observed the first attempt of head in threads %s '
                         'while every worker was busy; the contract demands '
                         'the caller run it before submit returns' % first)
        self.assertEqual([], early, 'observed behind starting (in the '
                         'caller: %s) while head, before it on its resource, '
                         'was WAITING; the contract demands that submit queue '
                         'it behind head and return' % early)
        self.assertEqual(before + 1, after, 'observed statistics()'
                         '[\'exhausted\'] going from %s to %s over head '
                         '(run in the caller) and behind (queued); the '
                         'contract demands exactly one more' % (before, after))
        self.assertTrue(waiting, 'observed states() %s after head\'s attempt '
                        'raised NotReady; the contract demands head WAITING '
                        'until its next attempt starts' % during)
        self.assertEqual(conductor.QUEUED, during.get('behind'),
                         'observed behind %s behind a WAITING operation; the '
                         'contract demands QUEUED' % during.get('behind'))
        self.assertEqual([], retried, 'observed %d more attempts of head '
                         'while every worker was busy and no caller was in '
                         'submit; the contract demands a retry wait for a '
                         'worker (the pool bounds what runs outside the '
                         'callers)' % len(retried))
        self.assertEqual([], self.order_problems(
            {'slow': ['head', 'behind']}, complete=True))
        self.assert_values(found, {'head': 'head', 'behind': 'behind'})

    @catalogue.check(
        '38fa6f78-7cc8-4a8e-8b37-10e6be08e0b8', MUST, """
        A blocking-class operation MUST return its result inline, after
        the operations submitted before it on its resource.""",
        covers=('conductor.blocking.result',
                'conductor.blocking.after_queued'))
    def test_blocking_operation_returns_inline(self):
        first = self.submit('box', 'block', 'first', gate='go')
        self.addCleanup(self.journal.open_gate, 'go')
        thread, outcome = self.start_thread(
            lambda: self.conductor.submit('box', 'logs', {'tag': 'logs'},
                                          blocking=True))
        self.wait_blocked_or_done(thread)
        early = 'value' in outcome or 'error' in outcome
        self.journal.open_gate('go')
        result = self.finish(outcome, 'submit(blocking=True)')
        self.results([first])
        self.assertFalse(early, 'observed submit(blocking=True) returning '
                         'before the operation before it on its resource '
                         'ended; the contract demands it wait for it')
        self.assertEqual('logs of box', result)
        order = [(e['tag'], e['edge']) for e in self.journal.events()
                 if e['resource'] == 'box']
        self.assertEqual([('first', 'start'), ('first', 'end'),
                          ('logs', 'start'), ('logs', 'end')], order)

    @catalogue.check(
        '4be2ebac-e1c3-4433-a39a-f5484e521626', MUST, """
        A blocking-class operation that raises MUST make submit raise the
        operation's own exception, and the next operation on its resource
        MUST still run; one that is not ready MUST be retried, submit
        returning its result once the resource is ready.""",
        covers=('conductor.blocking.error', 'conductor.blocking.retried',
                'conductor.order.after_failure'))
    def test_blocking_operation_errors_and_retries(self):
        with self.bounded('submit(box, fail, blocking=True)'):
            try:
                self.conductor.submit('box', 'fail', {'tag': 'boom'},
                                      blocking=True)
            except Exception as exc:
                raised = exc
            else:
                raised = None
        after = self.submit('box', 'record', 'after')
        thread, outcome = self.start_thread(
            lambda: self.conductor.submit(
                'slow', 'not_ready', {'tag': 'slow', 'gate': 'ready'},
                blocking=True))
        self.addCleanup(self.journal.open_gate, 'ready')
        retried = self.poll(lambda: len(self.attempts('slow')) >= 2
                            or not thread.is_alive())
        early = dict(outcome)
        self.journal.open_gate('ready')
        try:
            result = self.finish(outcome, 'submit(slow, not_ready, '
                                 'blocking=True)')
        except Exception as exc:
            result = exc
        found = self.outcomes({'after': after})
        self.assertEqual((operations.OperationFailed, ('box', 'boom')),
                         (type(raised), getattr(raised, 'args', None)),
                         'observed submit(blocking=True) of an operation '
                         'raising OperationFailed(\'box\', \'boom\') '
                         'give %r; the contract demands it raise the '
                         'operation\'s own exception' % (raised,))
        self.assert_values(found, {'after': 'after'})
        self.assertTrue(retried and 'value' not in early
                        and 'error' not in early,
                        'observed submit(blocking=True) of an operation not '
                        'ready end with %r after %d attempt(s), before its '
                        'resource was ready; the contract demands it be '
                        'retried, the caller waiting'
                        % (early.get('value', early.get('error')),
                           len(self.attempts('slow'))))
        self.assertEqual('slow', result, 'observed submit(blocking=True) '
                         'give %r once the resource was ready; the contract '
                         'demands the operation\'s result' % (result,))

    @catalogue.check(
        '3b151ad6-0818-4e57-a18e-13108155b15d', MUST, """
        Operations on resources that are not ready MUST be retried later
        without holding workers: other resources' operations MUST go on
        meanwhile in the pool, and each waiting operation MUST run once its
        resource is ready, before those queued behind it.""",
        covers=('conductor.retry.no_worker_held',
                'conductor.retry.attempted_again',
                'conductor.retry.runs_when_ready',
                'conductor.order.waiting_holds'))
    def test_not_ready_is_retried_while_others_proceed(self):
        waiting = [self.submit('slow-%d' % r, 'not_ready', 'waiting%d' % r,
                               gate='ready') for r in range(self.workers)]
        self.addCleanup(self.journal.open_gate, 'ready')
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

    @catalogue.check(
        'db1be852-6100-4ab8-aa2f-a7d3a5a40e7e', MUST, """
        An operation whose resource never gets ready MUST be attempted more
        than once, then fail after a bounded number of attempts, be
        recorded FAILED before its future raises NotReady, and the
        operation queued behind it MUST then run.""",
        covers=('conductor.retry.gives_up', 'conductor.retry.attempted_again',
                'conductor.order.after_failure', 'conductor.states.failed',
                'conductor.states.stored_before_reported'))
    def test_never_ready_fails(self):
        futures = {'never': self.submit('never', 'not_ready', 'never',
                                        gate='never'),
                   'behind': self.submit('never', 'record', 'behind')}
        seen = self.watch_reports(futures)
        found = self.outcomes(futures)
        edges = [e['edge'] for e in self.journal.events()
                 if e['tag'] in ('never', 'behind')]
        self.assertEqual('error', found['never'][0], 'observed the future '
                         'of an operation never ready %s; the contract '
                         'demands it raise NotReady after a bounded number '
                         'of attempts, within wait_timeout'
                         % (found['never'],))
        self.assertIsInstance(found['never'][1], conductor.NotReady)
        self.assertGreaterEqual(edges.count('attempt'), 2, 'observed %d '
                                'attempt(s); the contract demands that an '
                                'operation not ready be attempted again'
                                % edges.count('attempt'))
        self.assertEqual(('value', 'behind'), found['behind'],
                         'observed the operation queued behind one that '
                         'gave up: %s; the contract demands it run'
                         % (found['behind'],))
        self.assertEqual(['start', 'end'],
                         edges[edges.index('start'):] if 'start' in edges
                         else edges, 'observed %s; the contract demands the '
                         'operation behind start after the last attempt'
                         % edges)
        self.assertEqual({'never': conductor.FAILED,
                          'behind': conductor.DONE},
                         {t: s for t, s in self.state_of().items()
                          if t in futures})
        self.assert_stored_before_reported(
            seen, {'never': conductor.FAILED, 'behind': conductor.DONE},
            futures)
