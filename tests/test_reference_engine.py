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

"""Behaviour of the reference workflow engine and its store beyond what the
suite checks."""

import logging
import threading

import fixtures
import sqlalchemy

from reference.applier import engine as engine_
from reference.applier import store as store_
from tests import base
from watcher_conformance import workflow
from watcher_conformance.workflow import actions
from watcher_conformance.workflow import plans

Action = workflow.Action


class EngineTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger('taskflow', level=logging.INFO))
        url = 'sqlite:///%s/applier.db' % self.useFixture(
            fixtures.TempDir()).path
        self.engine = engine_.WorkflowEngine(4, database_url=url)
        self.addCleanup(self.engine.close)
        self.gates = actions.Gates(5.0)
        self.addCleanup(self.gates.open_all)

    def run_plan(self, plan):
        return self.engine.execute(plan, actions.Actions(
            actions.Journal(self.gates)))

    def test_unknown_policy_refused(self):
        self.assertRaises(ValueError, engine_.WorkflowEngine, 2, 'retry')

    def test_invalid_plans_say_why(self):
        for actions_, words in (
                ([Action('a', parents=['b']), Action('b', parents=['a'])],
                 'cycle'),
                ([Action('a', parents=['x'])], 'unknown parent'),
                ([Action('a'), Action('a')], 'appears twice')):
            plan = workflow.Plan('p', actions_)
            error = self.assertRaises(engine_.InvalidPlan,
                                      engine_.validate, plan)
            self.assertIn(words, str(error))

    def test_history_keeps_every_change(self):
        plan = plans.chain(2)
        self.run_plan(plan)
        self.assertEqual(
            [(None, 'ONGOING'), ('a1', 'ONGOING'), ('a1', 'SUCCEEDED'),
             ('a2', 'ONGOING'), ('a2', 'SUCCEEDED'), (None, 'SUCCEEDED')],
            self.engine.store.history(plan.uuid))

    def test_cancel_of_unknown_plan_refused(self):
        self.assertRaises(KeyError, self.engine.cancel, 'nope')

    def test_a_plan_costs_no_pool(self):
        # The pool outlives plans: upstream starts and stops one per plan.
        pool = self.engine.pool
        self.run_plan(plans.chain(1))
        self.assertIs(pool, self.engine.pool)


class StoreTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.store = store_.Store('sqlite:///%s/s.db' % self.useFixture(
            fixtures.TempDir()).path)
        self.addCleanup(self.store.close)
        self.plan = plans.independent(20)
        self.store.add_plan(self.plan, 'PENDING')

    def test_concurrent_changes_all_committed(self):
        barrier = threading.Barrier(20)

        def change(uuid):
            barrier.wait(5)
            self.store.set_action_state(self.plan.uuid, uuid, 'ONGOING')
        threads = [threading.Thread(target=change, args=(a.uuid,))
                   for a in self.plan.actions]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        self.assertEqual({'ONGOING'},
                         set(self.store.states(self.plan.uuid).values()))
        self.assertEqual(20, len(self.store.history(self.plan.uuid)))

    def test_failed_commit_raises_in_its_caller(self):
        self.store.engine.dispose()
        self.addCleanup(setattr, store_, '_UPDATE_ACTION',
                        store_._UPDATE_ACTION)
        store_._UPDATE_ACTION = store_.ACTIONS.update().values(
            no_such_column=1)
        self.assertRaises(sqlalchemy.exc.SQLAlchemyError,
                          self.store.set_action_state, self.plan.uuid, 'i0',
                          'ONGOING')
