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

"""Execution rules: ALWAYS and ANY, given by the plan."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.workflow import base
from watcher_conformance.workflow import plans

FEATURE = 'workflow.execution_rules'
W = base.W


class ExecutionRuleTest(base.WorkflowTestCase):

    @catalogue.check('2e675b90-d7f5-40f5-9268-1ba4aaf40ee2', MUST, """
        Under the ALWAYS rule, the children of a failed action MUST run and
        nothing MUST be reverted, whatever the failure policy.""",
                     feature=FEATURE)
    def test_always_runs_children_of_failed_action(self):
        plan = plans.chain(3, {'a2': 'fail'}, rule=W.ALWAYS)
        self.assertEqual(W.FAILED, self.execute(plan))
        self.assertTrue(self.ran(plan, 'a3'), 'a3 did not run')
        self.assertEqual([], self.journal(plan).calls('revert'))
        self.assertTerminalAndTrue(plan)

    @catalogue.check('e334007f-1e4d-45ce-b05c-2a32323d0051', MUST, """
        Under the ANY rule, an action MUST run only when its parents
        failed: the child of an action that succeeded MUST be SKIPPED, with
        its descendants.""", feature=FEATURE)
    def test_any_runs_alternatives_only(self):
        plan = plans.chain(3, rule=W.ANY)
        self.assertEqual(W.SUCCEEDED, self.execute(plan))
        self.assertEqual({'a1': W.SUCCEEDED, 'a2': W.SKIPPED,
                          'a3': W.SKIPPED}, self.states(plan))
        plan = plans.chain(3, {'a1': 'fail'}, rule=W.ANY)
        self.execute(plan)
        self.assertEqual({'a1': W.FAILED, 'a2': W.SUCCEEDED,
                          'a3': W.SKIPPED}, self.states(plan))
        self.assertTerminalAndTrue(plan)
