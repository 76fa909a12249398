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
        nothing MUST be reverted, whatever the failure policy, at every
        position of a chain, a diamond and branches.""",
                     feature=FEATURE, covers=base.JUDGED + (
                         'workflow.rules.always_runs_all',))
    def test_always_runs_children_of_failed_action(self):
        plan = plans.chain(3, {'a2': 'fail'}, rule=W.ALWAYS)
        self.assertEqual(W.FAILED, self.execute(plan))
        self.assertTrue(self.ran(plan, 'a3'), 'a3 did not run')
        self.assertEqual([], self.journal(plan).calls('revert'))
        self.assertTerminalAndTrue(plan)
        self.run_judged(self.matrix(W.ALWAYS, rotate=True))

    @catalogue.check('e334007f-1e4d-45ce-b05c-2a32323d0051', MUST, """
        Under the ANY rule, an action MUST run only when every one of its
        parents failed: the child of an action that succeeded MUST be
        SKIPPED, with its descendants, also when its other parents
        failed.""", feature=FEATURE,
                     covers=base.JUDGED + (
                         'workflow.rules.any_runs_iff_all_parents_failed',
                         'workflow.rules.any_skips_descendants',
                         'workflow.rules.any_nothing_reverted'))
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
        # Each position failing with its ancestors, so that it runs: in a
        # diamond whose top and left fail, bottom has a failed parent and
        # a succeeded one.
        self.run_judged(self.matrix(W.ANY, rotate=True, chained=True))
