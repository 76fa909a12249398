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
        store, and the store MUST agree with what ran.""",
                     covers=('workflow.store.exact_actions',
                             'workflow.store.terminal_at_end',
                             'workflow.store.agrees_with_run'))
    def test_store_agrees_with_what_ran(self):
        for plan in base.nop_plans() + [make() for make in FAILING]:
            self.execute(plan)
            self.assertTerminalAndTrue(plan)

    @catalogue.check('b6d8c910-a6ed-4137-aa0e-01b8a736eadb', MUST, """
        A state change MUST reach the store when it happens: while an
        action runs, the store MUST say so, say its parents succeeded, say
        the actions waiting for it are PENDING, and say the plan is
        ONGOING.""",
                     covers=('workflow.store.ongoing_while_running',
                             'workflow.store.pending_until_started',
                             'workflow.store.plan_ongoing',
                             'workflow.store.exact_actions'))
    def test_states_reach_the_store_as_they_change(self):
        plan = plans.chain(3, {'a2': 'block'}, {'a2': {'gate': 'g'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'a2')
        during, plan_during = self.states(plan), self.plan_state(plan)
        self.gates['g'].open()
        self.finish(outcome, 'execute()')
        self.assertEqual({'a1': W.SUCCEEDED, 'a2': W.ONGOING,
                          'a3': W.PENDING}, during,
                         'the store while a2 executes (observed %s); the '
                         'contract demands a1 SUCCEEDED, a2 ONGOING, a3 '
                         'PENDING' % during)
        self.assertEqual(W.ONGOING, plan_during,
                         'the plan while a2 executes (observed %s); the '
                         'contract demands ONGOING' % plan_during)

    @catalogue.check('2785bc81-d544-4abc-9b13-4513d4faa352', MUST, """
        A state change MUST be in the store before the engine acts on it:
        when an action begins, the store MUST already say how each parent
        ended; while it executes and checks its post-condition it MUST say
        ONGOING (never SUCCEEDED early); while it is reverted, SUCCEEDED,
        its reverted children already REVERTED.""",
                     covers=('workflow.store.before_acting',
                             'workflow.store.ongoing_while_running',
                             'workflow.store.pending_until_started',
                             'workflow.store.succeeded_while_reverting',
                             'workflow.store.plan_ongoing'))
    def test_store_says_it_before_the_engine_acts_on_it(self):
        # Every action reads the store as each of its calls begins: what a
        # reader of the database sees at the moments the engine acts.
        failing = plans.diamond({'bottom': 'fail'}) \
            if self.policy == 'revert' else plans.diamond({'top': 'fail'})
        scenarios = [('chain(3)', plans.chain(3)),
                     ('diamond', plans.diamond()),
                     ('branches(2, 2)', plans.branches(2, 2)),
                     ('layers(2, 3)', plans.layers(2, 3)),
                     ('a diamond failing (policy %s)' % self.policy,
                      failing),
                     ('chain(3), a1 failing (policy %s)' % self.policy,
                      plans.chain(3, {'a1': 'fail'})),
                     ('chain(2), a2 failing in post_condition',
                      plans.chain(2, {'a2': 'fail'},
                                  {'a2': {'phase': 'post_condition'}}))]
        problems = []
        for scenario, plan in scenarios:
            self.observe(plan, 'pre_condition', 'execute', 'post_condition',
                         'revert')
            self.execute(plan)
            problems.append((scenario, self.seen_problems(plan)))
        self.assertNoProblems(problems, 'what the store said while the '
                              'engine acted')

    @catalogue.check('aaa8bf25-4808-42b4-8db3-4644d5e0d2a8', MUST, """
        A plan MUST end FAILED if and only if one of its actions failed,
        and SUCCEEDED otherwise, both in what execute returns and in the
        store.""",
                     covers=('workflow.plan.failed_iff_failure',
                             'workflow.store.plan_final_before_return',
                             'workflow.execute.returns_final_state',
                             'workflow.plan.empty_succeeds'))
    def test_plan_failed_iff_an_action_failed(self):
        empty = plans.independent(0)
        try:
            returned = self.execute(empty)
        except self.failureException as exc:  # it raised
            returned = str(exc)
        self.assertEqual(W.SUCCEEDED, returned, '[workflow.plan.'
                         'empty_succeeds] a plan without actions: observed '
                         '%s; the contract demands SUCCEEDED' % returned)
        for plan in base.nop_plans():
            self.assertPlanEnded(plan, self.execute(plan), W.SUCCEEDED)
        for make in FAILING:
            plan = make()
            self.assertPlanEnded(plan, self.execute(plan), W.FAILED)

    @catalogue.check('780cad24-674f-4598-b06d-bd97376fa8cd', MUST, """
        Two plans running at once on one engine, with actions of the same
        names, MUST each keep their own states.""",
                     covers=('workflow.store.plans_isolated',
                             'workflow.plans.failures_isolated'))
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

    @catalogue.check('9fc4f9d6-340f-4869-836b-23429ee8a6ff', MUST, """
        Two plans failing at once on one engine, with actions of the same
        names, MUST each run, revert and end by their own rules: a failure
        or a revert in one MUST NOT touch an action of the other.""",
                     covers=('workflow.plans.failures_isolated',
                             'workflow.store.plans_isolated',
                             'workflow.revert.only_what_ran',
                             'workflow.store.agrees_with_run'))
    def test_failures_in_two_plans_at_once(self):
        # first: a1 waits, then a2 fails; second: a1 waits, a2 runs, a3
        # fails. The first fails (and, under revert, reverts) while the
        # second's a1 still runs; then the second fails in turn.
        first = plans.chain(3, {'a1': 'block', 'a2': 'fail'},
                            {'a1': {'gate': 'first'}})
        second = plans.chain(3, {'a1': 'block', 'a3': 'fail'},
                             {'a1': {'gate': 'second'}})
        one = self.start(first)
        two = self.start(second)
        self.wait_started(first, 'a1')
        self.wait_started(second, 'a1')
        self.gates['first'].open()
        returned = {'first': self.finish(one, 'execute() of the first')}
        touched = [e.method for e in self.journal(second).events
                   if e.method in ('revert', 'abort')]
        self.gates['second'].open()
        returned['second'] = self.finish(two, 'execute() of the second')
        problems = []
        if touched:
            problems.append(('the second plan', [
                '[workflow.plans.failures_isolated] %s was called on its '
                'actions while only the first had failed' % ', '.join(
                    touched)]))
        for name, plan in (('first', first), ('second', second)):
            problems.append(('the %s plan' % name,
                             self.judge(plan, returned[name])))
        self.assertNoProblems(problems, 'two plans failing at once')
