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

"""Cancelling a running plan."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.workflow import base
from watcher_conformance.workflow import plans

FEATURE = 'workflow.cancel'
W = base.W


class CancelTest(base.WorkflowTestCase):

    @catalogue.check('980a4b79-48b7-4d96-9c2a-95b1b73458e0', MUST, """
        Cancelling a running plan MUST abort the running actions, MUST NOT
        start any other, and MUST end the plan CANCELLED with every action
        in a terminal state.""", feature=FEATURE)
    def test_cancel_while_actions_run(self):
        # The gate is never opened: only an abort ends the running action.
        plan = plans.chain(3, {'a2': 'block'}, {'a2': {'gate': 'never'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'a2')
        with self.bounded('cancel(%s)' % plan.uuid):
            self.engine.cancel(plan.uuid)
        returned = self.finish(outcome, 'execute() of a cancelled plan')
        self.assertEqual(['a2'], self.journal(plan).calls('abort'))
        self.assertFalse(self.ran(plan, 'a3'), 'a3 started after the cancel')
        self.assertPlanEnded(plan, returned, W.CANCELLED)
        self.assertEqual({'a1': W.SUCCEEDED, 'a2': W.CANCELLED,
                          'a3': W.CANCELLED}, self.states(plan))
        self.assertTerminalAndTrue(plan)
