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
        finished.""")
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
        engine has workers.""")
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
        An engine MUST NOT run more actions at once than it has workers.""")
    def test_never_more_actions_than_workers(self):
        count = 2 * self.workers
        shape = plans.independent(count)
        plan = plans.independent(count, plans.every(shape, 'block'),
                                 plans.every(shape, {'gate': 'all'}))
        outcome = self.start(plan)
        self.executing.wait_running(self.workers, self.conf.wait_timeout)
        self.settle()
        peak = self.executing.peak
        self.gates['all'].open()
        self.finish(outcome, 'execute()')
        self.assertLessEqual(peak, self.workers, '%d actions ran at once '
                             'with %d workers' % (peak, self.workers))

    @catalogue.check('c2765d34-74eb-48c8-a600-6541f83ea3e7', MUST, """
        Each action MUST execute at most once, whether the plan succeeds or
        fails, and every action of a plan that succeeds MUST execute.""")
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
