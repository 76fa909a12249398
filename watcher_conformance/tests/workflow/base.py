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

"""What every workflow engine check builds on."""

import logging
import time

import fixtures

from watcher_conformance import base
from watcher_conformance import contract
from watcher_conformance.fixtures import database
from watcher_conformance import probes
from watcher_conformance import workflow
from watcher_conformance.workflow import actions
from watcher_conformance.workflow import plans

POLICY = 'workflow.failure_policy'
W = workflow
#: The methods that make up an action's run (not its revert or abort).
RUN = ('pre_condition', 'execute', 'post_condition')


class WorkflowTestCase(base.ConformanceTestCase):
    """The engine in ``self.engine``, a fresh :class:`~watcher_conformance.
    workflow.actions.Journal` in ``self.journal``, and helpers to run plans
    and judge what the store says of them."""

    piece_name = 'workflow_engine'
    #: The failure policy the checks of the class judge; they skip for an
    #: implementation following another.
    policy_checked = None

    def settings(self):
        db = self.useFixture(database.Database(self.conf.database_url))
        return contract.Settings(mode=self.mode,
                                 max_workers=self.conf.max_workers,
                                 database_url=db.url)

    def setUp(self):
        super().setUp()
        # taskflow logs every scheduling step at level 5: formatting that
        # for a 1000-action plan costs more than running it.
        self.useFixture(fixtures.FakeLogger('taskflow', level=logging.INFO))
        self.engine = self.piece
        self.workers = self.conf.max_workers
        self.policy = self.implementation.policies[POLICY]
        self.gates = actions.Gates(2 * self.conf.wait_timeout)
        self.addCleanup(self.gates.open_all)
        self.executing = probes.InFlight()
        self.journals = {}
        if self.policy_checked not in (None, self.policy):
            self.skipTest('implementation %r follows %s=%s'
                          % (self.implementation.name, POLICY, self.policy))

    def journal(self, plan):
        """The :class:`~watcher_conformance.workflow.actions.Journal` of
        *plan*'s actions."""
        if plan.uuid not in self.journals:
            self.journals[plan.uuid] = actions.Journal(self.gates,
                                                       self.executing)
        return self.journals[plan.uuid]

    # -- running plans ------------------------------------------------------

    def execute(self, plan, seconds=None):
        """Run *plan* (bounded); the state execute() returns."""
        with self.bounded('execute(plan %s)' % plan.uuid, seconds):
            return self.engine.execute(plan,
                                       actions.Actions(self.journal(plan)))

    def start(self, plan):
        """Start *plan* in another thread; see :meth:`finish`."""
        return self.start_thread(self.engine.execute, plan,
                                 actions.Actions(self.journal(plan)))[1]

    def wait_started(self, plan, uuid, method='execute'):
        self.assertTrue(self.journal(plan).wait_started(
            uuid, method, self.conf.wait_timeout),
            '%s of action %s did not start within %.1f s'
            % (method, uuid, self.conf.wait_timeout))

    def wait_stored(self, plan, uuid, state):
        """Wait (bounded) until the store says action *uuid* is *state*:
        from then on the engine knows it."""
        deadline = time.monotonic() + self.conf.wait_timeout
        while self.states(plan).get(uuid) != state:
            self.assertLess(time.monotonic(), deadline,
                            'the store did not say %s is %s within %.1f s '
                            '(it says %s)' % (uuid, state,
                                              self.conf.wait_timeout,
                                              self.states(plan).get(uuid)))
            probes.settle(0.01)  # polling the store, not synchronising

    def settle(self):
        probes.settle(self.conf.quiescence_window)

    def states(self, plan):
        with self.bounded('states(%s)' % plan.uuid):
            return self.engine.states(plan.uuid)

    def plan_state(self, plan):
        with self.bounded('plan_state(%s)' % plan.uuid):
            return self.engine.plan_state(plan.uuid)

    # -- what ran -------------------------------------------------------------

    def ran(self, plan, uuid):
        """Whether the action's run began (its pre_condition was called)."""
        return any(e.uuid == uuid and e.method in RUN
                   for e in list(self.journal(plan).events))

    def failed(self, plan, uuid):
        """Whether one of its run's calls raised or execute said False."""
        return any(e.uuid == uuid and e.method in RUN and e.edge == 'end'
                   and e.outcome in ('raised', 'false')
                   for e in list(self.journal(plan).events))

    def reverted(self, plan, uuid):
        return self.journal(plan).outcome(uuid, 'revert') == 'ok'

    def span(self, plan, uuid):
        """(first, last) sequence numbers of the action's run."""
        seqs = [e.seq for e in list(self.journal(plan).events)
                if e.uuid == uuid and e.method in RUN]
        return (min(seqs), max(seqs)) if seqs else None

    # -- judging ----------------------------------------------------------

    def assertTerminalAndTrue(self, plan):
        """Every action ends in a terminal state, and the store says what
        the journal saw: SUCCEEDED if it ran and succeeded (REVERTED once
        reverted), FAILED if it failed (or its revert raised), CANCELLED if
        it was aborted, CANCELLED or SKIPPED if it never ran."""
        stored = self.states(plan)
        journal = self.journal(plan)
        self.assertEqual(sorted(a.uuid for a in plan.actions),
                         sorted(stored), 'the store does not hold exactly '
                         "the plan's actions")
        wrong = []
        for action in plan.actions:
            uuid, state = action.uuid, stored[action.uuid]
            if not self.ran(plan, uuid):
                want = (W.CANCELLED, W.SKIPPED)
            elif journal.calls('abort', uuid):
                want = (W.CANCELLED,)
            elif self.failed(plan, uuid) or journal.outcome(
                    uuid, 'revert') == 'raised':
                want = (W.FAILED,)
            elif self.reverted(plan, uuid):
                want = (W.REVERTED,)
            else:
                want = (W.SUCCEEDED,)
            if state not in want:
                wrong.append('%s is %s, want %s' % (uuid, state,
                                                    ' or '.join(want)))
        self.assertEqual([], wrong, 'the store disagrees with what ran')

    def assertParentsFirst(self, plan):
        """No action's run began before each of its parents' runs ended."""
        wrong = []
        for action in plan.actions:
            mine = self.span(plan, action.uuid)
            for parent in action.parents:
                theirs = self.span(plan, parent)
                if mine and (theirs is None or theirs[1] > mine[0]):
                    wrong.append('%s started before its parent %s finished'
                                 % (action.uuid, parent))
        self.assertEqual([], wrong)

    def assertRanOnce(self, plan):
        twice = {u: n for u, n in self.journal(plan).executed().items()
                 if n > 1}
        self.assertEqual({}, twice, 'actions executed more than once')

    def assertPlanEnded(self, plan, returned, want):
        self.assertEqual(want, returned, 'execute() returned %s' % returned)
        self.assertEqual(want, self.plan_state(plan),
                         'the store has the plan %s' % self.plan_state(plan))


def nop_plans():
    """Shapes every ordering check runs."""
    return [plans.chain(4), plans.diamond(), plans.branches(3, 3),
            plans.layers(3, 3)]
