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
        FAILED.""")
    def test_failed_pre_condition_prevents_execute(self):
        plan = self.run_failing('pre_condition')
        self.assertEqual([], self.journal(plan).calls('execute'))

    @catalogue.check('3d854f9b-5951-4ef1-a4a2-499d11190d56', MUST, """
        An action whose post-condition fails MUST end FAILED.""")
    def test_failed_post_condition_fails_action(self):
        plan = self.run_failing('post_condition')
        self.assertEqual(['a1'], self.journal(plan).calls('post_condition'))

    @catalogue.check('b18d4d17-1105-4f23-bbac-b498d8326d49', MUST, """
        An action whose execute returns False MUST end FAILED, as one whose
        execute raises.""")
    def test_execute_returning_false_fails_action(self):
        self.run_failing('execute', how='false')
        self.run_failing('execute')
