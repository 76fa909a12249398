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

"""Plans: invalid ones refused before anything runs; big ones complete."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.workflow import base
from watcher_conformance import workflow
from watcher_conformance.workflow import actions
from watcher_conformance.workflow import plans

W = base.W
Action = workflow.Action


class InvalidPlanTest(base.WorkflowTestCase):

    def assertRefused(self, plan):
        with self.bounded('execute(an invalid plan)'):
            try:
                state = self.engine.execute(
                    plan, actions.Actions(self.journal(plan)))
            except Exception:
                # Any exception: the contract asks for a clear error, not
                # a type.
                state = None
        self.assertIsNone(state, 'the invalid plan ran and ended %s' % state)
        self.assertEqual([], self.journal(plan).events, 'actions ran')

    def plan(self, *actions):
        return workflow.Plan(plans.independent(1).uuid, actions)

    @catalogue.check('cd4bb7cd-a30f-4a21-a70f-0b372e306210', MUST, """
        A plan whose actions form a cycle MUST be refused with an error
        before any action runs.""", covers=('workflow.plan.cycle_refused',))
    def test_cycle_refused(self):
        self.assertRefused(self.plan(
            Action('a', parents=['c']), Action('b', parents=['a']),
            Action('c', parents=['b']), Action('d')))

    @catalogue.check('9ec2f30d-e885-47e3-b391-0ac902d91077', MUST, """
        A plan naming a parent it does not hold MUST be refused with an
        error before any action runs.""",
                     covers=('workflow.plan.unknown_parent_refused',))
    def test_unknown_parent_refused(self):
        self.assertRefused(self.plan(Action('a'),
                                     Action('b', parents=['ghost'])))

    @catalogue.check('cbbcf7fb-dddd-4352-9540-5bbe3738cb1a', MUST, """
        A plan holding two actions of one uuid MUST be refused with an
        error before any action runs.""",
                     covers=('workflow.plan.duplicate_refused',))
    def test_duplicate_uuid_refused(self):
        self.assertRefused(self.plan(Action('a'), Action('b'),
                                     Action('a', parents=['b'])))


class BigPlanTest(base.WorkflowTestCase):

    @catalogue.check('ff1b74b6-7dbe-4164-9441-fcf59f9509bd', MUST, """
        A plan of 1000 actions MUST complete, every action SUCCEEDED.""",
                     covers=('workflow.plan.thousand_actions',))
    def test_thousand_action_plan_completes(self):
        plan = plans.branches(50, 20)
        # A hang guard, not a speed limit (speed is the benchmarks' to
        # judge): three times a test's time (an engine that builds its
        # flow in quadratic time, as upstream's does, is slow, not stuck),
        # but what judging the outcome needs.
        self.guard.extend(2 * self.conf.test_timeout)
        returned = self.execute(plan, seconds=3 * self.conf.test_timeout
                                - self.conf.wait_timeout)
        self.assertPlanEnded(plan, returned, W.SUCCEEDED)
        self.assertEqual({W.SUCCEEDED}, set(self.states(plan).values()))
        self.assertEqual(1000, len(self.journal(plan).executed()))
