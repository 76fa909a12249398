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

"""Ordering and parallelism: parents first, independent actions at once,
up to the worker count, each action once."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.workflow import base
from watcher_conformance.workflow import plans


class OrderingTest(base.WorkflowTestCase):

    @catalogue.check('12149895-2269-4c06-b18b-4e4c100426c1', MUST, """
        An action MUST NOT start before every one of its parents has
        finished.""", covers=('workflow.order.parents_first',))
    def test_no_action_starts_before_its_parents_finish(self):
        # The top of a diamond blocks: its children must wait for it, not
        # for luck.
        plan = plans.diamond({'top': 'block'}, {'top': {'gate': 'top'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'top')
        self.settle()
        early = [u for u in ('left', 'right', 'bottom') if self.ran(plan, u)]
        self.gates['top'].open()
        self.finish(outcome, 'execute()')
        self.assertEqual([], early, 'started while their parent ran')
        self.assertParentsFirst(plan)
        for plan in base.nop_plans():
            self.execute(plan)
            self.assertParentsFirst(plan)

    @catalogue.check('49ade214-098c-4fc3-bd6a-d82b9f809a3e', MUST, """
        Independent actions MUST run at the same time, as many as the
        engine has workers.""", covers=('workflow.parallel.up_to_workers',))
    def test_independent_actions_run_concurrently(self):
        plan = plans.independent(
            self.workers, plans.every(plans.independent(self.workers),
                                      'block'),
            plans.every(plans.independent(self.workers), {'gate': 'all'}))
        outcome = self.start(plan)
        together = self.executing.wait_running(self.workers,
                                               self.conf.wait_timeout)
        self.gates['all'].open()
        self.finish(outcome, 'execute()')
        self.assertTrue(together, 'at most %d of %d independent actions ran '
                        'at once' % (self.executing.peak, self.workers))

    @catalogue.check('236a0a45-e8ba-4cae-8a6a-1fc875d6a96b', MUST, """
        An engine MUST NOT run more actions at once than it has workers,
        whether they belong to one plan or to two running at once.""",
                     covers=('workflow.parallel.bound',
                             'workflow.parallel.bound_across_plans'))
    def test_never_more_actions_than_workers(self):
        # Two plans of 2 W actions each, all waiting at one gate: one plan
        # alone could run them all, and so could each.
        count = 2 * self.workers
        shape = plans.independent(count)
        batch = [plans.independent(count, plans.every(shape, 'block'),
                                   plans.every(shape, {'gate': 'all'}))
                 for _ in range(2)]
        outcomes = [self.start(plan) for plan in batch]
        self.executing.wait_running(self.workers, self.conf.wait_timeout)
        self.settle()
        peak = self.executing.peak
        alone = [len(self.journal(plan).calls('execute')) for plan in batch]
        self.gates['all'].open()
        for outcome in outcomes:
            self.finish(outcome, 'execute()')
        self.assertLessEqual(peak, self.workers, '%d actions ran at once '
                             '(%s of each plan); the contract demands at '
                             "most the engine's %d workers, whatever the "
                             'plans' % (peak, ' and '.join(map(str, alone)),
                                        self.workers))

    @catalogue.check('f3c02ac8-2ba0-493e-956c-3f73addaf46c', MUST, """
        An action whose parents have finished MUST start while a worker is
        free, without waiting for actions it does not depend on: a branch
        started later MUST be able to finish first.""",
                     covers=('workflow.order.no_barrier',))
    def test_no_barrier_between_branches(self):
        # Both roots wait at their gates; one is let go: its branch must
        # run to its end while the other root still waits. Each root in
        # turn, so that whichever started first is left waiting once.
        problems = []
        for held, freed in (('b0', 'b1'), ('b1', 'b0')):
            plan = plans.branches(
                2, 3, {'b0-0': 'block', 'b1-0': 'block'},
                {'b0-0': {'gate': held + ' first'},
                 'b1-0': {'gate': freed + ' second'}} if held == 'b0' else
                {'b0-0': {'gate': freed + ' second'},
                 'b1-0': {'gate': held + ' first'}})
            outcome = self.start(plan)
            self.wait_started(plan, 'b0-0')
            self.wait_started(plan, 'b1-0')
            self.gates[freed + ' second'].open()
            ahead = self.journal(plan).wait_for(
                lambda j: j.first(freed + '-2', 'post_condition', 'end'),
                self.conf.wait_timeout)
            ran = [u for u in (freed + '-1', freed + '-2')
                   if self.ran(plan, u)]
            self.gates[held + ' first'].open()
            self.finish(outcome, 'execute()')
            if not ahead:
                problems.append(('branches(2, 3), %s-0 held' % held, [
                    '[workflow.order.no_barrier] %s-1 and %s-2 did not run '
                    'to their end within %.1f s while %s-0 was held (of '
                    'them, observed running: %s); the contract demands '
                    'they not wait for an action they do not depend on' % (
                        freed, freed, self.conf.wait_timeout, held,
                        ', '.join(ran) or 'neither')]))
        self.assertNoProblems(problems, 'branches that waited for each '
                              'other')

    @catalogue.check('c2765d34-74eb-48c8-a600-6541f83ea3e7', MUST, """
        Each action MUST execute at most once, whether the plan succeeds or
        fails, and every action of a plan that succeeds MUST execute.""",
                     covers=('workflow.run.at_most_once',
                             'workflow.run.all_on_success'))
    def test_each_action_executes_once(self):
        for plan in base.nop_plans():
            self.execute(plan)
            self.assertRanOnce(plan)
            self.assertEqual({a.uuid for a in plan.actions},
                             set(self.journal(plan).executed()))
        for plan in (plans.chain(3, {'a2': 'fail'}),
                     plans.diamond({'left': 'fail'}),
                     plans.branches(2, 3, {'b0-1': 'fail'})):
            self.execute(plan)
            self.assertRanOnce(plan)
