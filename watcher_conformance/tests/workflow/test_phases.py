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

"""An action's phases: pre-condition, execute, post-condition."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.workflow import base
from watcher_conformance.workflow import actions
from watcher_conformance.workflow import plans

W = base.W


class PhaseTest(base.WorkflowTestCase):

    def run_failing(self, phase, how='raise'):
        plan = plans.chain(1, {'a1': 'fail'},
                           {'a1': {'phase': phase, 'how': how}},
                           rule=None)
        returned = self.execute(plan)
        self.assertPlanEnded(plan, returned, W.FAILED)
        self.assertEqual(W.FAILED, self.states(plan)['a1'])
        return plan

    @catalogue.check('3ceabc65-3e5c-4d9c-8f42-356c767b894c', MUST, """
        An action whose pre-condition fails MUST NOT execute, and MUST end
        FAILED.""", covers=('workflow.phase.pre_condition_failure',))
    def test_failed_pre_condition_prevents_execute(self):
        plan = self.run_failing('pre_condition')
        self.assertEqual([], self.journal(plan).calls('execute'))

    @catalogue.check('3d854f9b-5951-4ef1-a4a2-499d11190d56', MUST, """
        An action whose post-condition fails MUST end FAILED.""",
                     covers=('workflow.phase.post_condition_failure',
                             'workflow.phase.post_condition_called'))
    def test_failed_post_condition_fails_action(self):
        plan = self.run_failing('post_condition')
        self.assertEqual(['a1'], self.journal(plan).calls('post_condition'))

    @catalogue.check('b18d4d17-1105-4f23-bbac-b498d8326d49', MUST, """
        An action whose execute returns False MUST end FAILED, as one whose
        execute raises.""", covers=('workflow.phase.execute_failure',))
    def test_execute_returning_false_fails_action(self):
        self.run_failing('execute', how='false')
        self.run_failing('execute')

    @catalogue.check('9b4becf5-0b29-4fdd-ad88-cf4b7531237b', MUST, """
        A pre-condition or post-condition that returns False (or anything)
        without raising MUST NOT fail its action: only raising fails a
        condition.""", covers=('workflow.phase.condition_result_ignored',))
    def test_condition_results_are_ignored(self):
        plan = plans.chain(2, parameters={
            'a1': {'returns': {'pre_condition': False}},
            'a2': {'returns': {'post_condition': False}}})
        returned = self.execute(plan)
        states = self.states(plan)
        self.assertEqual((W.SUCCEEDED, {'a1': W.SUCCEEDED,
                                        'a2': W.SUCCEEDED}),
                         (returned, states),
                         'a1 whose pre_condition returned False and a2 '
                         'whose post_condition did: observed the plan %s, '
                         'the actions %s; the contract demands every one '
                         'SUCCEEDED' % (returned, states))
        self.assertEqual({'a1': 1, 'a2': 1}, self.journal(plan).executed())

    @catalogue.check('9d301a0a-3d7c-4519-b15d-c75483b3ec84', MUST, """
        When make_action raises for an action, execute() MUST either raise
        that error before any action runs, or fail that action as any
        failure (FAILED, then what the policy does); the engine MUST then
        run the next plan as usual.""",
                     covers=('workflow.execute.make_action_raises',
                             'workflow.execute.usable_after_failure'))
    def test_make_action_that_raises(self):
        plan = plans.chain(3, {'a2': 'unmakeable'})
        try:
            with self.bounded('execute(plan %s)' % plan.uuid):
                returned = self.engine.execute(
                    plan, actions.Actions(self.journal(plan)))
        except Exception as exc:
            returned, raised = None, exc
        if returned is None:
            # The error, before anything ran, with nothing left unfinished
            # in the store.
            stored = self.states(plan)
            self.assertEqual(
                ([], [], True),
                ([e.uuid for e in self.journal(plan).events
                  if e.method in base.RUN],
                 sorted(u for u, s in stored.items()
                        if s not in W.TERMINAL),
                 'a2' in str(raised)),
                '[workflow.execute.make_action_raises] execute() raised '
                '%s: %s; the contract demands the original error (naming '
                'a2) before any action runs, no action left unfinished in '
                'the store (it holds %s)' % (
                    type(raised).__name__, raised, stored))
        else:
            self.assertNoProblems([('chain(3), make_action raising for a2',
                                    self.judge(plan, returned))],
                                  'an action that cannot be made')
        after = plans.diamond()
        self.assertPlanEnded(after, self.execute(after), W.SUCCEEDED)
