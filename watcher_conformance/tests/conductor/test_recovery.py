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
from watcher_conformance.conductor import operations
from watcher_conformance.contract import MUST
from watcher_conformance import probes
from watcher_conformance.tests.conductor import base


class StateTest(base.ConductorTestCase):

    @catalogue.check(
        '91749950-8a6b-49aa-bce2-ae97278745ff', MUST, """
        An operation's hand-offs MUST be recorded as they happen, in
        submission order: QUEUED behind another on its resource, RUNNING
        while it runs, DONE when it returned, FAILED when it raised (its
        future raising the operation's own exception, the next operation
        still running), each final state stored before the future
        resolves.""",
        covers=('conductor.states.queued', 'conductor.states.running',
                'conductor.states.done', 'conductor.states.failed',
                'conductor.states.stored_before_reported',
                'conductor.states.order', 'conductor.submit.error',
                'conductor.submit.result', 'conductor.order.after_failure'))
    def test_hand_offs_are_recorded(self):
        self.addCleanup(self.journal.open_gate, 'go')
        futures = {'first': self.submit('box', 'block', 'first', gate='go'),
                   'second': self.submit('box', 'fail', 'second'),
                   'third': self.submit('box', 'record', 'third')}
        seen = self.watch_reports(futures)
        self.wait_until(lambda: 'first' in self.journal.running(),
                        'the first operation starting')
        during = self.states()
        self.journal.open_gate('go')
        found = self.outcomes(futures)
        after = self.states()
        finals = {'first': conductor.DONE, 'second': conductor.FAILED,
                  'third': conductor.DONE}
        self.assertEqual({'first': conductor.RUNNING,
                          'second': conductor.QUEUED,
                          'third': conductor.QUEUED}, self.state_of(during),
                         'states() while first ran (observed); the contract '
                         'demands RUNNING while an operation runs, QUEUED '
                         'while it waits behind another')
        self.assertEqual(['first', 'second', 'third'],
                         [s[3] for s in after], 'the order of states() '
                         '(observed); the contract demands submission order')
        error = found['second'][1]
        self.assertEqual(('error', operations.OperationFailed,
                          ('box', 'second')),
                         (found['second'][0], type(error),
                          getattr(error, 'args', None)),
                         'observed the future of an operation raising '
                         'OperationFailed(\'box\', \'second\') give %r; the '
                         'contract demands it raise the operation\'s own '
                         'exception' % (found['second'],))
        self.assert_values(found, {'first': 'first', 'third': 'third'})
        self.assert_stored_before_reported(seen, finals, futures)
        self.assertEqual(finals, self.state_of(after), 'states() once every '
                         'operation ended (observed); the contract demands '
                         'DONE for one that returned, FAILED for one that '
                         'raised')


class RecoveryTest(base.ConductorTestCase):

    @catalogue.check(
        '5cad71b5-7513-43d9-9ed7-e90e18c13210', MUST, """
        After a conductor process dies, recovering it MUST run once every
        operation it had not started, in order, and the one WAITING for a
        retry, MUST fail the ones it was running, MUST leave the finished
        one alone, MUST run none twice and MUST return the futures of what
        it runs; states() MUST show the dead conductor's operations.""",
        covers=('conductor.recover.reruns_queued',
                'conductor.recover.reruns_waiting',
                'conductor.recover.fails_running',
                'conductor.recover.keeps_finished',
                'conductor.recover.order', 'conductor.recover.futures',
                'conductor.states.every_member', 'conductor.states.waiting',
                'conductor.pool.bound'))
    def test_recovery_after_crash(self):
        # The dead conductor's crash point, forced: its W workers run
        # operations that never end (one on box); then, the pool being
        # exhausted, its caller runs the first attempt of 'waiting' (not
        # ready: WAITING, and no worker will ever retry it), queues two
        # operations behind 'running' on box, and runs 'done'.
        dead = self.member + '-dead'
        busy = ['busy%d' % k for k in range(1, self.workers)]
        plan = [['box', 'block', {'tag': 'running', 'gate': 'never'}]]
        plan += [['res-' + tag, 'block', {'tag': tag, 'gate': 'never'}]
                 for tag in busy]
        plan += [['@gate', 'exhausted', {}],
                 ['slow', 'not_ready', {'tag': 'waiting',
                                        'gate': 'slow-ready'}],
                 ['box', 'record', {'tag': 'queued-1'}],
                 ['box', 'record', {'tag': 'queued-2'}],
                 ['other', 'record', {'tag': 'done'}]]
        process = self.start_worker(dead, plan, self.coordination_url,
                                    then='hang')
        self.journal.open_gate('start')
        self.wait_until(lambda: len(self.journal.running()) >= self.workers
                        or process.poll() is not None,
                        'the other conductor running %d operations'
                        % self.workers, self.process_bound)
        self.journal.open_gate('exhausted')
        self.wait_until(lambda: self.submitted(dead)
                        or process.poll() is not None,
                        'the other conductor submitting its plan',
                        self.process_bound)
        crash_point = dict({'running': conductor.RUNNING,
                            'waiting': conductor.WAITING,
                            'queued-1': conductor.QUEUED,
                            'queued-2': conductor.QUEUED,
                            'done': conductor.DONE},
                           **{tag: conductor.RUNNING for tag in busy})
        reached = self.poll(lambda: self.state_of() == crash_point
                            or process.poll() is not None)
        before = self.state_of()
        process.kill()
        process.wait()
        self.assertTrue(reached, 'observed states() %s from the other '
                        'conductor at its crash point (it exited: %s); the '
                        'contract demands %s: states() lists every '
                        'conductor\'s operations, a retry waits for a worker '
                        'WAITING' % (before, process.returncode, crash_point))
        self.journal.open_gate('slow-ready')
        with self.bounded('recover()'):
            futures = list(self.conductor.recover(dead))
        found = self.outcomes(dict(enumerate(futures)))
        starts = self.journal.tags('start')
        once = ['running', 'queued-1', 'queued-2', 'done', 'waiting'] + busy
        self.assertEqual({t: 1 for t in once},
                         {t: starts.count(t) for t in once},
                         'how many times each operation started (observed); '
                         'the contract demands once: recovery runs again '
                         'what never started or only waited, and neither '
                         'what was running nor what was done')
        self.assertEqual(['running', 'queued-1', 'queued-2'],
                         self.journal.tags('start', 'box'))
        self.assertEqual(
            sorted(['queued-1', 'queued-2', 'waiting']),
            sorted(str(v) for k, v in found.values()),
            'observed recover() futures %s; the contract demands one per '
            'operation run again, each with its result' % found)
        self.assertEqual(dict({'running': conductor.FAILED,
                               'waiting': conductor.DONE,
                               'queued-1': conductor.DONE,
                               'queued-2': conductor.DONE,
                               'done': conductor.DONE},
                              **{tag: conductor.FAILED for tag in busy}),
                         self.state_of())


class CloseTest(base.ConductorTestCase):

    @catalogue.check(
        '56190a38-8828-4b4c-bd34-648b77eea2e4', MUST, """
        After close(), while an operation it ran is still running, submit
        MUST raise RuntimeError and record nothing, and the operation
        queued behind the running one MUST NOT run, its future MUST NOT
        get a result and it MUST stay QUEUED; a conductor restarted with
        the same member name MUST run it once through recover(), and
        recover() of a member that left nothing MUST return no futures.""",
        covers=('conductor.close.queued_not_run', 'conductor.close.no_result',
                'conductor.close.submit_refused', 'conductor.close.restart',
                'conductor.recover.nothing_left'))
    def test_close_leaves_queued_operations_to_a_restart(self):
        self.addCleanup(self.journal.open_gate, 'go')
        self.submit('box', 'block', 'first', gate='go')
        second = self.submit('box', 'record', 'second')
        self.wait_until(lambda: 'first' in self.journal.running(),
                        'the first operation starting')
        with self.bounded('close()'):
            self.conductor.close()
        # The stop under way: 'first' still runs.
        with self.bounded('submit after close()'):
            try:
                late = self.conductor.submit('box', 'record',
                                             {'tag': 'late'})
            except Exception as exc:
                late = exc
        self.journal.open_gate('go')
        self.wait_until(lambda: 'first' in self.journal.tags('end'),
                        'the first operation ending')
        # Nothing may run now: the conductor is closed.
        probes.settle(self.conf.quiescence_window)
        ran = [t for t in self.journal.tags('start') if t != 'first']
        restarted = self.restart()
        with self.bounded('recover() of a member that never ran'):
            nothing = list(restarted.recover(self.member + '-never'))
        with self.bounded('states()'):
            left = self.state_of(restarted.states())
        with self.bounded('recover()'):
            futures = list(restarted.recover(self.member))
        found = self.outcomes(dict(enumerate(futures)))
        self.assertIsInstance(late, RuntimeError, 'observed submit after '
                              'close() give %r; the contract demands '
                              'RuntimeError' % (late,))
        self.assertEqual([], ran, 'observed operations starting after '
                         'close(); the contract demands that operations '
                         'queued at close() stay queued, for a restart')
        self.assertFalse(second.done() and not second.cancelled()
                         and second.exception(0) is None,
                         'observed the future of an operation queued at '
                         'close() resolve with a result; the contract '
                         'demands no result for an operation that did not '
                         'run')
        self.assertEqual((conductor.QUEUED, None),
                         (left.get('second'), left.get('late')),
                         'observed (second, late) in states() after close(): '
                         '%s; the contract demands the queued operation '
                         'QUEUED and the refused one not recorded'
                         % ((left.get('second'), left.get('late')),))
        self.assertEqual([], nothing, 'observed recover() of a member that '
                         'left nothing return %s; the contract demands no '
                         'futures' % nothing)
        self.assertEqual([('value', 'second')], list(found.values()),
                         'observed recover() by the restarted conductor '
                         'give %s; the contract demands the future of the '
                         'queued operation, with its result' % found)
        self.assertEqual(['first', 'second'], self.journal.tags('start'))
        self.assertEqual(conductor.DONE, self.state_of(
            restarted.states()).get('second'))
