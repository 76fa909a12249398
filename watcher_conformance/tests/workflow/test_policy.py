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

"""Failure policies: what the declared policy promises when an action
fails."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.workflow import base
from watcher_conformance.workflow import plans

W = base.W


class RevertPolicyTest(base.WorkflowTestCase):

    policy_checked = 'revert'

    @catalogue.check('f15f8559-2a99-42de-b6ab-e62b1f2a6e50', MUST, """
        Under the revert policy, the descendants of a failed action MUST
        NOT execute, and the actions that completed MUST be reverted.""")
    def test_failure_stops_descendants_and_reverts_ancestors(self):
        plan = plans.chain(4, {'a3': 'fail'})
        self.assertEqual(W.FAILED, self.execute(plan))
        self.assertFalse(self.ran(plan, 'a4'),
                         'a4 ran after its parent failed')
        self.assertEqual(['a2', 'a1'], self.journal(plan).calls('revert'))
        self.assertEqual({'a1': W.REVERTED, 'a2': W.REVERTED,
                          'a3': W.FAILED, 'a4': W.CANCELLED},
                         self.states(plan))

    @catalogue.check('3cfc95b8-6ad4-4987-9630-ba256f470ed7', MUST, """
        Under the revert policy, an action MUST be reverted after its
        children, never before.""")
    def test_children_reverted_before_parents(self):
        plan = plans.diamond({'bottom': 'fail'})
        self.execute(plan)
        order = self.journal(plan).calls('revert')
        self.assertEqual({'top', 'left', 'right'}, set(order))
        self.assertEqual('top', order[-1], 'revert order %s' % order)
        self.assertTerminalAndTrue(plan)

    @catalogue.check('764af1ee-49dc-47e7-803b-dc2c5f2df36b', MUST, """
        Under the revert policy, a failure in one branch MUST also revert
        what completed in the independent branches, and no action MUST
        start once the failure is known.""")
    def test_failure_reverts_independent_branches(self):
        # Branch 0 waits until b1-1 runs, then fails; once the store says
        # b0-1 FAILED the engine knows of the failure: only then may b1-1
        # finish. (Whether reverts begin while b1-1 still runs is the
        # engine's choice: taskflow waits for running actions first.)
        plan = plans.branches(
            2, 3, {'b0-0': 'block', 'b0-1': 'fail', 'b1-1': 'block'},
            {'b0-0': {'gate': 'fail now'}, 'b1-1': {'gate': 'g'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'b1-1')
        self.gates['fail now'].open()
        self.wait_stored(plan, 'b0-1', W.FAILED)
        self.gates['g'].open()
        self.finish(outcome, 'execute()')
        self.assertFalse(self.ran(plan, 'b1-2'),
                         'b1-2 started after b0-1 had failed')
        self.assertTrue(self.reverted(plan, 'b1-0'),
                        'reverted: %s' % self.journal(plan).calls('revert'))
        self.assertTerminalAndTrue(plan)

    @catalogue.check('28abe904-7ab1-4806-8dd5-2364da88eaa2', MUST, """
        Under the revert policy, a revert that raises MUST leave its action
        FAILED and the plan FAILED, every action in a terminal state.""")
    def test_revert_that_raises(self):
        plan = plans.chain(3, {'a1': 'raise_in_revert', 'a3': 'fail'})
        self.assertEqual(W.FAILED, self.execute(plan))
        self.assertEqual('raised', self.journal(plan).outcome('a1',
                                                              'revert'))
        self.assertEqual(W.FAILED, self.states(plan)['a1'])
        self.assertEqual(W.FAILED, self.plan_state(plan))
        self.assertTerminalAndTrue(plan)


class ContinuePolicyTest(base.WorkflowTestCase):

    policy_checked = 'continue'

    @catalogue.check('67bbce25-8bc4-4843-9d2d-8943ab789c0d', MUST, """
        Under the continue policy, the children of a failed action MUST
        still run, and nothing MUST be reverted.""")
    def test_children_of_failed_action_run(self):
        plan = plans.chain(3, {'a2': 'fail'})
        self.assertEqual(W.FAILED, self.execute(plan))
        self.assertTrue(self.ran(plan, 'a3'), 'a3 did not run')
        self.assertEqual([], self.journal(plan).calls('revert'))
        self.assertEqual({'a1': W.SUCCEEDED, 'a2': W.FAILED,
                          'a3': W.SUCCEEDED}, self.states(plan))

    @catalogue.check('a2ea82e5-9950-4f81-bfbb-918651ecb870', MUST, """
        Under the continue policy, every action of a diamond or of
        independent branches MUST run despite a failure, and the plan MUST
        end FAILED.""")
    def test_every_action_runs_despite_failure(self):
        for plan in (plans.diamond({'left': 'fail'}),
                     plans.branches(2, 3, {'b0-0': 'fail'})):
            self.assertEqual(W.FAILED, self.execute(plan))
            self.assertEqual([], [a.uuid for a in plan.actions
                                  if not self.ran(plan, a.uuid)])
            self.assertTerminalAndTrue(plan)
