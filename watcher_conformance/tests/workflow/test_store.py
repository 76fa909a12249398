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

"""The store: every state change reaches the database, and it agrees with
what ran."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.workflow import base
from watcher_conformance.workflow import plans

W = base.W
FAILING = (lambda: plans.chain(3, {'a2': 'fail'}),
           lambda: plans.diamond({'right': 'fail'}),
           lambda: plans.branches(2, 2, {'b1-0': 'fail'}),
           lambda: plans.chain(2, {'a2': 'fail'}, {'a2': {'how': 'false'}}))


class StoreTest(base.WorkflowTestCase):

    @catalogue.check('99dbe62e-7135-44c5-a2d1-4a993ba5f11e', MUST, """
        When a plan ends, every action MUST be in a terminal state in the
        store, and the store MUST agree with what ran.""")
    def test_store_agrees_with_what_ran(self):
        for plan in base.nop_plans() + [make() for make in FAILING]:
            self.execute(plan)
            self.assertTerminalAndTrue(plan)

    @catalogue.check('b6d8c910-a6ed-4137-aa0e-01b8a736eadb', MUST, """
        A state change MUST reach the store when it happens: while an
        action runs, the store MUST say so, and say its parents succeeded.
        """)
    def test_states_reach_the_store_as_they_change(self):
        plan = plans.chain(2, {'a2': 'block'}, {'a2': {'gate': 'g'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'a2')
        during, plan_during = self.states(plan), self.plan_state(plan)
        self.gates['g'].open()
        self.finish(outcome, 'execute()')
        self.assertEqual({'a1': W.SUCCEEDED, 'a2': W.ONGOING}, during)
        self.assertEqual(W.ONGOING, plan_during)

    @catalogue.check('aaa8bf25-4808-42b4-8db3-4644d5e0d2a8', MUST, """
        A plan MUST end FAILED if and only if one of its actions failed,
        and SUCCEEDED otherwise, both in what execute returns and in the
        store.""")
    def test_plan_failed_iff_an_action_failed(self):
        for plan in base.nop_plans():
            self.assertPlanEnded(plan, self.execute(plan), W.SUCCEEDED)
        for make in FAILING:
            plan = make()
            self.assertPlanEnded(plan, self.execute(plan), W.FAILED)

    @catalogue.check('780cad24-674f-4598-b06d-bd97376fa8cd', MUST, """
        Two plans running at once on one engine, with actions of the same
        names, MUST each keep their own states.""")
    def test_concurrent_plans_keep_their_own_states(self):
        blocked = plans.chain(2, {'a2': 'block'}, {'a2': {'gate': 'g'}})
        outcome = self.start(blocked)
        self.wait_started(blocked, 'a2')
        failing = plans.chain(2, {'a1': 'fail'})
        self.execute(failing)
        self.gates['g'].open()
        self.finish(outcome, 'execute()')
        self.assertEqual({'a1': W.SUCCEEDED, 'a2': W.SUCCEEDED},
                         self.states(blocked))
        self.assertEqual(W.FAILED, self.states(failing)['a1'])
