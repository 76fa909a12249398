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
        NOT execute, and the actions that completed MUST be reverted,
        whichever action fails (every position of a chain, a diamond and
        branches) in whichever phase.""",
                     covers=base.JUDGED + (
                         'workflow.revert.descendants_never_run',
                         'workflow.revert.completed_reverted',
                         'workflow.revert.children_first',
                         'workflow.revert.after_run',
                         'workflow.revert.only_what_ran',
                         'workflow.revert.failed_action_stays_failed',
                         'workflow.revert.never_run_cancelled'))
    def test_failure_stops_descendants_and_reverts_ancestors(self):
        plan = plans.chain(4, {'a3': 'fail'})
        self.assertEqual(W.FAILED, self.execute(plan))
        self.assertFalse(self.ran(plan, 'a4'),
                         'a4 ran after its parent failed')
        self.assertEqual(['a2', 'a1'], [u for u in self.journal(plan).calls(
            'revert') if u != 'a3'], 'the reverts, in order')
        self.assertEqual({'a1': W.REVERTED, 'a2': W.REVERTED,
                          'a3': W.FAILED, 'a4': W.CANCELLED},
                         self.states(plan))
        self.run_judged(self.matrix())

    @catalogue.check('3cfc95b8-6ad4-4987-9630-ba256f470ed7', MUST, """
        Under the revert policy, an action MUST be reverted after its
        children, never before, even when one child's revert is slow and
        its sibling's ends first.""",
                     covers=('workflow.revert.children_first',
                             'workflow.revert.completed_reverted'))
    def test_children_reverted_before_parents(self):
        plan = plans.diamond({'bottom': 'fail'})
        self.execute(plan)
        order = self.journal(plan).calls('revert')
        self.assertEqual({'top', 'left', 'right'}, set(order) - {'bottom'})
        self.assertEqual('top', order[-1], 'revert order %s' % order)
        self.assertTerminalAndTrue(plan)
        problems = []
        for slow in ('left', 'right'):
            # The slow child's revert holds until the test lets it go: the
            # other child's may end first; the parent's must wait.
            plan = plans.diamond({'bottom': 'fail'},
                                 {slow: {'revert_gate': slow}})
            outcome = self.start(plan)
            self.wait_started(plan, slow, 'revert')
            self.settle()
            early = self.journal(plan).calls('revert', 'top')
            self.gates[slow].open()
            self.finish(outcome, 'execute()')
            wrong = self.revert_problems(plan, everything=True)
            if early:
                wrong.insert(0, '[workflow.revert.children_first] top was '
                             'reverted while the revert of %s still ran'
                             % slow)
            problems.append(('diamond, bottom failing, the revert of %s '
                             'held' % slow, wrong))
        plan = plans.layers(3, 2)
        plan = plans.like(plan, {'l2-0': 'fail'})
        self.execute(plan)
        problems.append(('layers(3, 2), l2-0 failing',
                         self.revert_problems(plan, everything=True)))
        self.assertNoProblems(problems, 'reverts out of order')

    @catalogue.check('764af1ee-49dc-47e7-803b-dc2c5f2df36b', MUST, """
        Under the revert policy, a failure in one branch MUST also revert
        what completed in the independent branches, including an action
        still running when the failure happened, and no action MUST start
        once the failure is known; whether the failing branch started
        first or last.""",
                     covers=('workflow.revert.completed_reverted',
                             'workflow.revert.no_start_after_failure',
                             'workflow.revert.children_first',
                             'workflow.revert.after_run',
                             'workflow.store.agrees_with_run'))
    def test_failure_reverts_independent_branches(self):
        # Whether reverts begin while the other branch still runs is the
        # engine's choice (taskflow waits for running actions first): the
        # running action is let go once the store says FAILED, so only
        # then does the engine know of the failure.
        problems = []
        # Branch 0 starts first and fails once b1-1 runs.
        plan = plans.branches(
            2, 3, {'b0-0': 'block', 'b0-1': 'fail', 'b1-1': 'block'},
            {'b0-0': {'gate': 'fail now'}, 'b1-1': {'gate': 'g'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'b1-1')
        self.gates['fail now'].open()
        self.wait_stored(plan, 'b0-1', W.FAILED)
        self.gates['g'].open()
        self.finish(outcome, 'execute()')
        problems.append(('branch 0 (started first) failing while b1-1 runs',
                         self.branch_problems(plan, 'b1-2')))
        # Branch 1 runs ahead and fails while b0-0, started first, runs.
        plan = plans.branches(
            2, 3, {'b0-0': 'block', 'b1-0': 'block', 'b1-1': 'fail'},
            {'b0-0': {'gate': 'g0'}, 'b1-0': {'gate': 'go b1'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'b0-0')
        self.gates['go b1'].open()
        self.wait_stored(plan, 'b1-1', W.FAILED)
        self.gates['g0'].open()
        self.finish(outcome, 'execute()')
        problems.append(('branch 1 failing while b0-0, started first, runs',
                         self.branch_problems(plan, 'b0-1')))
        self.assertNoProblems(problems, 'branches after a failure')

    def branch_problems(self, plan, late):
        wrong = []
        if self.ran(plan, late):
            wrong.append('[workflow.revert.no_start_after_failure] %s '
                         'started after the store said an action FAILED'
                         % late)
        return (wrong + self.revert_problems(plan, everything=True)
                + self.store_problems(plan, never=(W.CANCELLED,)))

    @catalogue.check('28abe904-7ab1-4806-8dd5-2364da88eaa2', MUST, """
        Under the revert policy, a revert that raises MUST leave its action
        FAILED and the plan FAILED, every action in a terminal state that
        agrees with what ran, wherever the raising action is.""",
                     covers=('workflow.revert.raise_marks_failed',
                             'workflow.revert.children_first',
                             'workflow.execute.action_errors_not_raised',
                             'workflow.store.agrees_with_run',
                             'workflow.plan.failed_iff_failure'))
    def test_revert_that_raises(self):
        # Whether the rollback goes on after a revert raised is the
        # engine's choice (taskflow stops it): what was not reverted must
        # be stored SUCCEEDED.
        problems = []
        for name, shape, fails, raises in (
                ('chain(3)', plans.chain(3), 'a3', 'a1'),
                ('chain(3)', plans.chain(3), 'a3', 'a2'),
                ('diamond', plans.diamond(), 'bottom', 'left'),
                ('diamond', plans.diamond(), 'bottom', 'top')):
            plan = plans.like(shape, {fails: 'fail',
                                      raises: 'raise_in_revert'})
            scenario = '%s, %s failing, the revert of %s raising' % (
                name, fails, raises)
            try:
                returned = self.execute(plan)
            except self.failureException as exc:  # it raised: say so
                problems.append((scenario, [str(exc)]))
                continue
            wrong = self.plan_problems(plan, returned, (W.FAILED,))
            if self.journal(plan).outcome(raises, 'revert') != 'raised':
                wrong.append('[workflow.revert.completed_reverted] %s '
                             'completed and was never reverted' % raises)
            problems.append((scenario, wrong + self.order_problems(plan)
                             + self.revert_problems(plan, everything=False)
                             + self.store_problems(plan,
                                                   never=(W.CANCELLED,))))
        self.assertNoProblems(problems, 'reverts that raise')


class ContinuePolicyTest(base.WorkflowTestCase):

    policy_checked = 'continue'

    @catalogue.check('67bbce25-8bc4-4843-9d2d-8943ab789c0d', MUST, """
        Under the continue policy, the children of a failed action MUST
        still run, and nothing MUST be reverted.""",
                     covers=('workflow.continue.every_action_runs',
                             'workflow.continue.nothing_reverted'))
    def test_children_of_failed_action_run(self):
        plan = plans.chain(3, {'a2': 'fail'})
        self.assertEqual(W.FAILED, self.execute(plan))
        self.assertTrue(self.ran(plan, 'a3'), 'a3 did not run')
        self.assertEqual([], self.journal(plan).calls('revert'))
        self.assertEqual({'a1': W.SUCCEEDED, 'a2': W.FAILED,
                          'a3': W.SUCCEEDED}, self.states(plan))

    @catalogue.check('a2ea82e5-9950-4f81-bfbb-918651ecb870', MUST, """
        Under the continue policy, every action of a chain, a diamond or
        independent branches MUST run despite a failure at any position
        and in any phase, and the plan MUST end FAILED.""",
                     covers=base.JUDGED + (
                         'workflow.continue.every_action_runs',
                         'workflow.continue.nothing_reverted'))
    def test_every_action_runs_despite_failure(self):
        for plan in (plans.diamond({'left': 'fail'}),
                     plans.branches(2, 3, {'b0-0': 'fail'})):
            self.assertEqual(W.FAILED, self.execute(plan))
            self.assertEqual([], [a.uuid for a in plan.actions
                                  if not self.ran(plan, a.uuid)])
            self.assertTerminalAndTrue(plan)
        self.run_judged(self.matrix())
