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

"""Per-resource order and exclusion; parallelism across resources."""

from watcher_conformance import catalogue
from watcher_conformance import conductor
from watcher_conformance.contract import MUST
from watcher_conformance.tests.conductor import base

RESOURCES = 10
PER_RESOURCE = 8


class OrderingTest(base.ConductorTestCase):

    @catalogue.check(
        '05e5719c-f40c-46ee-b4b4-50afab08ed52', MUST, """
        Operations on one resource MUST run one at a time, in the order
        they were submitted, however many resources and operations
        contend; with every worker busy, submit MUST queue an operation
        behind its resource's unfinished ones and return.""",
        covers=('conductor.order.submission', 'conductor.order.exclusive',
                'conductor.exhausted.busy_resource_queues',
                'conductor.submit.result'))
    def test_per_resource_order_under_contention(self):
        # The first operation of as many resources as there are workers
        # blocks until everything is queued, each resource's operations
        # submitted in a row: then every queue drains at once (the others
        # in the caller, the pool being exhausted). The submits come from
        # a thread of their own, so that a conductor running a gated
        # operation in its caller, or waiting there for a resource, shows
        # as such instead of blocking the check.
        plan, demanded, gated = [], {}, set()
        for r in range(RESOURCES):
            resource = 'res-%d' % r
            for n in range(PER_RESOURCE):
                tag = 'r%d-%d' % (r, n)
                demanded.setdefault(resource, []).append(tag)
                if n == 0 and r < self.workers:
                    gated.add(tag)
                    plan.append((resource, 'block', tag, {'gate': 'go'}))
                else:
                    plan.append((resource, 'record', tag, {}))
        self.addCleanup(self.journal.open_gate, 'go')
        submitter = self.submit_in_thread(plan)

        def problem():
            early = self.order_problems(demanded)
            if early:
                return '; '.join(early)
            in_caller = self.ran_in(submitter.ident, gated)
            if in_caller:
                return ('%s, which waits for the gate, ran in the '
                        'submitting thread although a worker was free'
                        % in_caller[0])
        stuck = self.wait_submitted(submitter, problem)
        self.journal.open_gate('go')
        self.join_submitter(submitter)
        found = self.outcomes(submitter.futures)
        problems = self.order_problems(demanded, complete=True)
        if stuck and not problems:
            problems.append(
                'observed: %s while every worker ran a gated operation; the '
                'contract demands that submit queue an operation behind the '
                'unfinished ones of its resource and return (the caller '
                'runs only an operation whose resource has nothing '
                'unfinished)' % stuck)
        self.assertEqual([], problems)
        self.assert_values(found, {tag: tag for tags in demanded.values()
                                   for tag in tags})

    @catalogue.check(
        'f43f5c86-a729-4750-8d32-209cf754378f', MUST, """
        Operations on different resources MUST run at the same time, as
        many as the conductor has workers, each handed to a worker by a
        submit that returns without running it.""",
        covers=('conductor.parallel.resources', 'conductor.pool.on_worker'))
    def test_resources_run_in_parallel(self):
        plan = [('res-%d' % r, 'block', 'b%d' % r, {'gate': 'go'})
                for r in range(self.workers)]
        tags = {tag for _, _, tag, _ in plan}
        self.addCleanup(self.journal.open_gate, 'go')
        submitter = self.submit_in_thread(plan)
        stuck = self.wait_submitted(
            submitter, lambda: self.ran_in(submitter.ident, tags))
        if not stuck:
            self.poll(lambda: len(self.journal.running()) >= self.workers
                      or all(f.done() for f in submitter.futures.values()))
        running = sorted(self.journal.running())
        in_caller = self.ran_in(submitter.ident, tags)
        self.journal.open_gate('go')
        self.join_submitter(submitter)
        self.outcomes(submitter.futures)
        self.assertEqual([], in_caller, 'observed these operations running '
                         'in the thread that submitted them while workers '
                         'were free; the contract demands that submit hand '
                         'an operation to a free worker and return')
        self.assertEqual(self.workers, len(running),
                         'observed %d of %d operations on different '
                         'resources running at once (%s); the contract '
                         'demands all %d, one per worker'
                         % (len(running), self.workers, running,
                            self.workers))

    @catalogue.check(
        'b9916d00-a300-48dd-8819-34eb18e2fb4b', MUST, """
        An operation held up on one resource MUST NOT delay the operations
        of another resource submitted after it, interleaved with its own:
        they MUST run and finish meanwhile, while the held-up resource's
        next operations stay QUEUED behind it and run, in order, once it
        ends.""",
        covers=('conductor.parallel.no_head_of_line',
                'conductor.parallel.resources', 'conductor.pool.on_worker',
                'conductor.order.submission', 'conductor.order.exclusive',
                'conductor.states.queued', 'conductor.states.running',
                'conductor.submit.result'))
    def test_held_up_resource_does_not_delay_others(self):
        # Submitted interleaved: a0 b0 a1 b1 a2 b2, the heads a0 and b0
        # blocking on gates of their own. The later resource is released
        # first: its operations must all finish while a0 still holds its
        # resource, and a1, a2 stay queued.
        plan = []
        for n in range(3):
            for name in ('a', 'b'):
                tag = '%s%d' % (name, n)
                plan.append(('res-' + name, 'block', tag, {'gate': name})
                            if n == 0 else ('res-' + name, 'record', tag, {}))
        self.addCleanup(self.journal.open_gate, 'a')
        self.addCleanup(self.journal.open_gate, 'b')
        submitter = self.submit_in_thread(plan)
        stuck = self.wait_submitted(
            submitter, lambda: self.ran_in(submitter.ident, {'a0', 'b0'}))
        self.assertIsNone(stuck, 'observed: %s; the contract demands that '
                          'submit hand an operation to a free worker, or '
                          'queue it behind its resource, and return' % stuck)
        self.join_submitter(submitter)
        heads = self.poll(lambda: {'a0', 'b0'} <= set(self.journal.running()))
        during = self.state_of()
        self.assertTrue(heads, 'observed running: %s; the contract demands '
                        'a0 and b0, heads of two resources, running at once'
                        % self.journal.running())
        expected = {'a0': conductor.RUNNING, 'b0': conductor.RUNNING,
                    'a1': conductor.QUEUED, 'b1': conductor.QUEUED,
                    'a2': conductor.QUEUED, 'b2': conductor.QUEUED}
        self.assertEqual(expected, during, 'states() while a0 and b0 ran '
                         '(observed); the contract demands RUNNING for a '
                         'running operation and QUEUED for those behind it')
        self.journal.open_gate('b')
        later = self.outcomes({t: submitter.futures[t]
                               for t in ('b0', 'b1', 'b2')})
        a_started = self.journal.tags('start', 'res-a')
        self.journal.open_gate('a')
        found = self.outcomes(submitter.futures)
        self.assertEqual({'b0': ('value', 'b0'), 'b1': ('value', 'b1'),
                          'b2': ('value', 'b2')}, later,
                         'the operations of res-b after its head was '
                         'released, while a0 (submitted before them) still '
                         'held res-a (observed); the contract demands they '
                         'run and finish meanwhile')
        self.assertEqual(['a0'], a_started, 'observed operations of res-a '
                         'starting while a0 still ran; the contract demands '
                         'a1 and a2 wait behind it')
        self.assertEqual([], self.order_problems(
            {'res-a': ['a0', 'a1', 'a2'], 'res-b': ['b0', 'b1', 'b2']},
            complete=True))
        self.assert_values(found, {tag: tag for _, _, tag, _ in plan})
