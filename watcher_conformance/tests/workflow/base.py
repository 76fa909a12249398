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
#: What a run judged by base.judge covers, whatever the policy.
JUDGED = ('workflow.order.parents_first', 'workflow.run.at_most_once',
          'workflow.run.phase_order', 'workflow.phase.pre_condition_failure',
          'workflow.phase.execute_failure',
          'workflow.phase.post_condition_failure',
          'workflow.phase.post_condition_called',
          'workflow.execute.returns_final_state',
          'workflow.execute.action_errors_not_raised',
          'workflow.execute.usable_after_failure',
          'workflow.store.exact_actions', 'workflow.store.terminal_at_end',
          'workflow.store.agrees_with_run',
          'workflow.store.plan_final_before_return',
          'workflow.plan.failed_iff_failure')


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
        """Run *plan* (bounded); the state execute() returns (the check
        fails if it raises)."""
        with self.bounded('execute(plan %s)' % plan.uuid, seconds):
            try:
                return self.engine.execute(
                    plan, actions.Actions(self.journal(plan)))
            except Exception as exc:
                self.fail('[workflow.execute.action_errors_not_raised] '
                          'execute() raised %s: %s; the contract demands it '
                          "return the plan's final state"
                          % (type(exc).__name__, exc))

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

    def wait_plan_stored(self, plan, state):
        """Wait (bounded) until the store says *plan* is *state*."""
        deadline = time.monotonic() + self.conf.wait_timeout
        while self.plan_state(plan) != state:
            self.assertLess(time.monotonic(), deadline,
                            'the store did not say plan %s is %s within '
                            '%.1f s (it says %s)' % (
                                plan.uuid, state, self.conf.wait_timeout,
                                self.plan_state(plan)))
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

    def events(self, plan, uuid, method=None):
        return [e for e in list(self.journal(plan).events)
                if e.uuid == uuid and method in (None, e.method)]

    def ran(self, plan, uuid):
        """Whether the action's run began (its pre_condition was called)."""
        return any(e.method in RUN for e in self.events(plan, uuid))

    def failed(self, plan, uuid):
        """Whether one of its run's calls raised or execute said False, or
        make_action raised for it."""
        return any(e.method in RUN + ('make_action',) and e.edge == 'end'
                   and e.outcome in ('raised', 'false')
                   for e in self.events(plan, uuid))

    def unmade(self, plan, uuid):
        """Whether make_action raised for it."""
        return bool(self.events(plan, uuid, 'make_action'))

    def completed(self, plan, uuid):
        """Whether its execute returned True and its post_condition
        returned."""
        journal = self.journal(plan)
        return (journal.outcome(uuid, 'execute') == 'ok'
                and journal.outcome(uuid, 'post_condition') == 'ok')

    def aborted_first(self, plan, uuid):
        """Whether abort() was called on it before its run ended."""
        abort = self.journal(plan).first(uuid, 'abort', 'start')
        ends = [e.seq for e in self.events(plan, uuid)
                if e.method in RUN and e.edge == 'end']
        return abort is not None and (not ends or abort.seq < max(ends))

    def reverted(self, plan, uuid):
        return self.journal(plan).outcome(uuid, 'revert') == 'ok'

    def span(self, plan, uuid, methods=RUN):
        """(first, last) sequence numbers of the action's calls of
        *methods*."""
        seqs = [e.seq for e in self.events(plan, uuid) if e.method in methods]
        return (min(seqs), max(seqs)) if seqs else None

    def observe(self, plan, *methods):
        """Make *plan*'s actions read the store at the start of each of
        *methods*: see :meth:`seen_problems`."""
        journal = self.journal(plan)
        journal.observe_on = frozenset(methods)
        journal.observe = lambda: (self.engine.states(plan.uuid),
                                   self.engine.plan_state(plan.uuid))

    # -- judging ----------------------------------------------------------

    def truth(self, plan, uuid, never=(W.CANCELLED, W.SKIPPED)):
        """The states the store may end with for *uuid*, from what the
        journal saw (obligation workflow.store.agrees_with_run)."""
        journal = self.journal(plan)
        if self.unmade(plan, uuid):
            return (W.FAILED,)
        if not self.ran(plan, uuid):
            return tuple(never)
        if self.completed(plan, uuid):
            outcome = journal.outcome(uuid, 'revert')
            return ((W.FAILED,) if outcome == 'raised' else
                    (W.REVERTED,) if outcome == 'ok' else (W.SUCCEEDED,))
        if self.aborted_first(plan, uuid) or not self.failed(plan, uuid):
            return (W.CANCELLED,)  # stopped by a cancel
        return (W.FAILED,)

    def store_problems(self, plan, never=(W.CANCELLED, W.SKIPPED)):
        """What the store says that disagrees with what ran."""
        stored = self.states(plan)
        if sorted(stored) != sorted(a.uuid for a in plan.actions):
            return ['[workflow.store.exact_actions] the store holds actions '
                    '%s; the contract demands exactly the plan\'s, %s'
                    % (sorted(stored), sorted(a.uuid for a in plan.actions))]
        wrong = []
        for action in plan.actions:
            # (An action that had to run and never did is judged by the
            # check's rule; here any terminal state will do.)
            want = self.truth(plan, action.uuid, never) or tuple(
                sorted(W.TERMINAL))
            state = stored[action.uuid]
            if state not in want:
                oid = ('workflow.store.terminal_at_end'
                       if state not in W.TERMINAL
                       else 'workflow.store.agrees_with_run')
                wrong.append('[%s] %s is stored %s (it %s); the contract '
                             'demands %s' % (oid, action.uuid, state,
                                             self.story(plan, action.uuid),
                                             ' or '.join(want)))
        return wrong

    def story(self, plan, uuid):
        """What the journal saw of *uuid*, in a few words."""
        calls = ['%s %s' % (e.method, e.outcome) for e in
                 self.events(plan, uuid) if e.edge == 'end']
        return 'had ' + ', '.join(calls) if calls else 'never ran'

    def assertTerminalAndTrue(self, plan, never=(W.CANCELLED, W.SKIPPED)):
        """Every action ends in a terminal state, and the store says what
        the journal saw: SUCCEEDED if it ran and succeeded (REVERTED once
        reverted, FAILED if its revert raised), FAILED if it failed,
        CANCELLED if a cancel stopped it, *never* if it never ran."""
        self.assertEqual([], self.store_problems(plan, never),
                         'the store disagrees with what ran')

    def order_problems(self, plan):
        """Runs that began before a parent's ended; calls repeated; phases
        out of order."""
        wrong = []
        journal = self.journal(plan)
        for action in plan.actions:
            uuid = action.uuid
            mine = self.span(plan, uuid)
            for parent in action.parents:
                theirs = self.span(plan, parent)
                if theirs is None and self.unmade(plan, parent):
                    continue  # it failed without running: it has ended
                if mine and (theirs is None or theirs[1] > mine[0]):
                    wrong.append('[workflow.order.parents_first] %s began '
                                 '%s' % (uuid, 'though its parent %s never '
                                         'ran' % parent if theirs is None
                                         else 'before its parent %s ended'
                                         % parent))
            for method in RUN + ('revert',):
                count = len(journal.calls(method, uuid))
                if count > 1:
                    oid = ('workflow.run.at_most_once' if method in RUN
                           else 'workflow.revert.only_what_ran')
                    wrong.append('[%s] %s of %s was called %d times; the '
                                 'contract demands at most once'
                                 % (oid, method, uuid, count))
            starts = {m: journal.first(uuid, m, 'start') for m in RUN}
            ends = {m: journal.first(uuid, m, 'end') for m in RUN}
            pre, exe, post = starts['pre_condition'], starts['execute'], \
                starts['post_condition']
            if exe and (pre is None or ends['pre_condition'] is None
                        or ends['pre_condition'].seq > exe.seq):
                wrong.append('[workflow.run.phase_order] execute of %s '
                             'began before its pre_condition ended' % uuid)
            # (A post-condition after a failed pre-condition, with no
            # execute, is allowed: upstream calls it.)
            if post and exe and (ends['execute'] is None
                                 or ends['execute'].seq > post.seq):
                wrong.append('[workflow.run.phase_order] post_condition of '
                             '%s began before its execute ended' % uuid)
            if exe and ends['pre_condition'] and \
                    ends['pre_condition'].outcome == 'raised':
                wrong.append('[workflow.phase.pre_condition_failure] %s '
                             'executed although its pre_condition raised'
                             % uuid)
        return wrong

    def revert_problems(self, plan, everything):
        """Under the revert policy: every action that completed is reverted
        (if *everything*), after its run and after its children's
        reverts; nothing that never ran is reverted."""
        wrong = []
        journal = self.journal(plan)
        below = plans.children(plan)
        for action in plan.actions:
            uuid = action.uuid
            revert = journal.first(uuid, 'revert', 'start')
            if revert is None:
                if everything and self.completed(plan, uuid):
                    wrong.append('[workflow.revert.completed_reverted] %s '
                                 'completed and was never reverted; the '
                                 'contract demands every completed action '
                                 'reverted' % uuid)
                continue
            if not self.ran(plan, uuid):
                wrong.append('[workflow.revert.only_what_ran] %s was '
                             'reverted though it never ran' % uuid)
                continue
            run = self.span(plan, uuid)
            if run and run[1] > revert.seq:
                wrong.append('[workflow.revert.after_run] the revert of %s '
                             'began before its run ended' % uuid)
            for child in below[uuid]:
                if not self.completed(plan, child):
                    continue
                ended = journal.first(child, 'revert', 'end')
                if ended is None or ended.seq > revert.seq:
                    wrong.append('[workflow.revert.children_first] the '
                                 'revert of %s began before the revert of '
                                 'its child %s ended (%s)'
                                 % (uuid, child, 'it never began'
                                    if journal.first(child, 'revert',
                                                     'start') is None
                                    else 'it was still running'))
        return wrong

    def no_revert_problems(self, plan, oid):
        reverted = self.journal(plan).calls('revert')
        return (['[%s] revert() was called on %s; the contract demands no '
                 'revert' % (oid, ', '.join(reverted))] if reverted else [])

    def expected_plan_state(self, plan):
        return (W.FAILED if any(self.failed(plan, a.uuid) or self.journal(
            plan).outcome(a.uuid, 'revert') == 'raised'
            for a in plan.actions) else W.SUCCEEDED)

    def plan_problems(self, plan, returned, want=None,
                      oid='workflow.plan.failed_iff_failure'):
        """execute() returned *want* (default: FAILED iff an action
        failed), and the store says so; *oid* names the obligation."""
        want = want or (self.expected_plan_state(plan),)
        wrong = []
        if returned not in want:
            wrong.append('[%s] execute() returned %s; the contract demands '
                         '%s' % (oid if returned in W.PLAN_TERMINAL else
                                 'workflow.execute.returns_final_state',
                                 returned, ' or '.join(want)))
        stored = self.plan_state(plan)
        if stored != returned:
            wrong.append('[workflow.store.plan_final_before_return] once '
                         'execute() returned %s the store said the plan is '
                         '%s; the contract demands the same' % (returned,
                                                                stored))
        return wrong

    def judge(self, plan, returned):
        """Everything the declared policy or the plan's rule demands of a
        plan that ran to its end without a cancel: see
        :func:`expectations`."""
        must_run, must_not_run, never, reverts = expectations(
            plan, self.policy)
        wrong = self.plan_problems(plan, returned) + self.order_problems(
            plan)
        for uuid in sorted(must_run):
            if not self.ran(plan, uuid) and not self.unmade(plan, uuid):
                wrong.append('[%s] %s never ran; the contract demands it '
                             'run' % (RUNS[rule_or(plan, self.policy)],
                                      uuid))
        for uuid in sorted(must_not_run):
            if self.ran(plan, uuid):
                wrong.append('[%s] %s ran; the contract demands it not run'
                             % (NOT_RUNS[rule_or(plan, self.policy)], uuid))
        if reverts:
            wrong += self.revert_problems(plan, everything=True)
        else:
            wrong += self.no_revert_problems(
                plan, NO_REVERT[rule_or(plan, self.policy)])
        stored = self.states(plan)
        for action in plan.actions:
            if (stored.get(action.uuid) in (W.SUCCEEDED, W.REVERTED)
                    and self.journal(plan).outcome(
                        action.uuid, 'post_condition') != 'ok'):
                wrong.append('[workflow.phase.post_condition_called] %s is '
                             '%s but its post_condition never returned'
                             % (action.uuid, stored[action.uuid]))
        return wrong + self.store_problems(plan, never)

    # -- matrices -------------------------------------------------------------

    def run_judged(self, scenarios, together=4):
        """Run each (scenario, plan) to its end, *together* plans at once
        on the engine, then a plan that fails nowhere; judge each by
        :meth:`judge` and fail with every problem found."""
        problems = []
        for first in range(0, len(scenarios), together):
            batch = [(scenario, plan, self.start(plan))
                     for scenario, plan in scenarios[first:first + together]]
            for scenario, plan, outcome in batch:
                outcome['thread'].join(self.conf.wait_timeout)
                if outcome['thread'].is_alive():
                    problems.append((scenario, [
                        '[workflow.execute.returns_final_state] execute() '
                        'did not return within %.1f s' % (
                            self.conf.wait_timeout)]))
                elif 'error' in outcome:
                    exc = outcome['error']
                    problems.append((scenario, [
                        '[workflow.execute.action_errors_not_raised] '
                        'execute() raised %s: %s; the contract demands it '
                        "return the plan's state" % (type(exc).__name__,
                                                     exc)]))
                else:
                    problems.append((scenario, self.judge(
                        plan, outcome['value'])))
        after = plans.diamond()
        try:
            returned = self.execute(after)
        except self.failureException as exc:  # it raised
            returned = str(exc)
        if returned != W.SUCCEEDED or set(self.states(after).values()) != {
                W.SUCCEEDED}:
            problems.append(('a diamond run after them', [
                '[workflow.execute.usable_after_failure] it ended %s with '
                'states %s; the contract demands SUCCEEDED' % (
                    returned, self.states(after))]))
        self.assertNoProblems(problems, 'failures in every phase and '
                              'position')

    def matrix(self, rule=None, rotate=False, chained=False):
        """(scenario, plan) pairs: each action of each of :func:`shapes`
        failing in pre_condition, execute and post_condition (and, at one
        position per shape, by execute returning False); with *rotate*,
        in one of the :data:`FAILURES` per position, in turn. With
        *chained*, its ancestors fail the same way too (so that under the
        ANY rule it runs)."""
        found, turn = [], 0
        for number, (name, shape) in enumerate(shapes().items()):
            for index, action in enumerate(shape.actions):
                if rotate:
                    picked = [FAILURES[turn % len(FAILURES)]]
                    turn += 1
                else:
                    picked = [f for f in FAILURES if f[0] != 'execute '
                              'returning False' or index == number]
                for how, parameters in picked:
                    fail = {action.uuid} | (plans.ancestors(
                        shape, action.uuid) if chained else set())
                    plan = plans.like(shape, dict.fromkeys(fail, 'fail'),
                                      dict.fromkeys(fail, parameters), rule)
                    found.append(('%s, %s failing in %s%s' % (
                        name, ' and '.join(sorted(fail)), how,
                        ' (rule %s)' % rule if rule else ''), plan))
        return found

    def seen_problems(self, plan):
        """What the actions saw in the store while they ran: their parents'
        final states when they began, themselves ONGOING while executing,
        SUCCEEDED while reverting, reverted children when reverting, the
        plan ONGOING."""
        wrong = []
        journal = self.journal(plan)
        below = plans.children(plan)
        above = {a.uuid: a.parents for a in plan.actions}
        for uuid, method, seen in journal.seen():
            if 'error' in seen:
                wrong.append('reading the store while %s of %s ran raised '
                             '%s' % (method, uuid, seen['error']))
                continue
            states, plan_state = seen
            where = 'when %s of %s began' % (method, uuid)
            if plan_state not in (W.ONGOING,):
                wrong.append('[workflow.store.plan_ongoing] %s the store '
                             'said the plan is %s; the contract demands '
                             'ONGOING' % (where, plan_state))
            mine = states.get(uuid)
            if method == 'pre_condition':
                for parent in above[uuid]:
                    want = forward_state(self, plan, parent)
                    if states.get(parent) != want:
                        wrong.append('[workflow.store.before_acting] %s the '
                                     'store said its parent %s is %s; the '
                                     'contract demands %s, stored before '
                                     'the child begins' % (
                                         where, parent, states.get(parent),
                                         want))
                if mine not in (W.PENDING, W.ONGOING):
                    wrong.append('[workflow.store.pending_until_started] %s '
                                 'the store said it is %s; the contract '
                                 'demands PENDING or ONGOING' % (where,
                                                                 mine))
            elif method == 'execute' or (
                    method == 'post_condition'
                    and journal.outcome(uuid, 'execute') == 'ok'):
                if mine != W.ONGOING:
                    wrong.append('[workflow.store.ongoing_while_running] %s '
                                 'the store said it is %s; the contract '
                                 'demands ONGOING' % (where, mine))
            elif method == 'revert':
                want = forward_state(self, plan, uuid)
                if mine != want:
                    wrong.append('[workflow.store.succeeded_while_reverting]'
                                 ' %s the store said it is %s; the contract '
                                 'demands %s until revert() returned'
                                 % (where, mine, want))
                start = journal.first(uuid, 'revert', 'start').seq
                for child in below[uuid]:
                    ended = journal.first(child, 'revert', 'end')
                    if ended is None or ended.seq > start:
                        continue
                    want = (W.REVERTED if ended.outcome == 'ok'
                            else W.FAILED)
                    if states.get(child) != want:
                        wrong.append('[workflow.store.before_acting] %s the '
                                     'store said its reverted child %s is '
                                     '%s; the contract demands %s'
                                     % (where, child, states.get(child),
                                        want))
        return wrong

    def assertNoProblems(self, problems, what):
        """*problems*: (scenario, [problem, ...]) pairs."""
        found = ['%s: %s' % (scenario, problem)
                 for scenario, wrong in problems for problem in wrong]
        self.assertEqual([], found, '%s: %d problem(s) in %d scenario(s)'
                         % (what, len(found),
                            len([w for _, w in problems if w])))

    def assertParentsFirst(self, plan):
        """No action's run began before each of its parents' runs ended."""
        self.assertEqual([], [w for w in self.order_problems(plan)
                              if 'parents_first' in w])

    def assertRanOnce(self, plan):
        twice = {u: n for u, n in self.journal(plan).executed().items()
                 if n > 1}
        self.assertEqual({}, twice, 'actions executed more than once')

    def assertPlanEnded(self, plan, returned, want):
        self.assertEqual(want, returned, 'execute() returned %s; the '
                         'contract demands %s' % (returned, want))
        stored = self.plan_state(plan)
        self.assertEqual(want, stored, '[workflow.store.plan_final_before_'
                         'return] once execute() returned %s the store said '
                         'the plan is %s; the contract demands %s'
                         % (returned, stored, want))


def forward_state(case, plan, uuid):
    """The state an action's run ended in, before any revert."""
    return (W.SUCCEEDED if case.completed(plan, uuid) else
            W.FAILED if case.failed(plan, uuid) else None)


def rule_or(plan, policy):
    """What governs a failure in *plan*: its rule, else the policy."""
    return plan.execution_rule or policy


#: What each rule or policy is judged by, per kind of problem.
RUNS = {'revert': 'workflow.order.parents_first',
        'continue': 'workflow.continue.every_action_runs',
        W.ALWAYS: 'workflow.rules.always_runs_all',
        W.ANY: 'workflow.rules.any_runs_iff_all_parents_failed'}
NOT_RUNS = {'revert': 'workflow.revert.descendants_never_run',
            'continue': 'workflow.continue.every_action_runs',
            W.ALWAYS: 'workflow.rules.always_runs_all',
            W.ANY: 'workflow.rules.any_runs_iff_all_parents_failed'}
NO_REVERT = {'continue': 'workflow.continue.nothing_reverted',
             W.ALWAYS: 'workflow.rules.always_runs_all',
             W.ANY: 'workflow.rules.any_nothing_reverted'}


def failing(plan):
    """uuid -> the phase it fails in, for the plan's ``fail`` actions."""
    return {a.uuid: a.parameters.get('phase', 'execute')
            for a in plan.actions if a.action_type in ('fail', 'unmakeable')}


def expectations(plan, policy):
    """``(must_run, must_not_run, never, reverts)`` for *plan* under
    *policy* (or its rule), its ``fail`` actions failing: the actions that
    must run and must not, the states of one that never ran, and whether
    every completed action must be reverted (else none may be).

    Under the revert policy with one failing action, its ancestors and it
    must run, its descendants must not, the others may (they may have
    started before the failure was known).
    """
    fails = failing(plan)
    everyone = {a.uuid for a in plan.actions}
    rule = rule_or(plan, policy)
    if rule == W.ANY:
        runs = set()
        for action in topological(plan):
            if all(p in runs and p in fails for p in action.parents):
                runs.add(action.uuid)
        return runs, everyone - runs, (W.SKIPPED,), False
    if rule in (W.ALWAYS, 'continue'):
        return everyone, set(), (), False
    below = set()
    for uuid in fails:
        below |= plans.descendants(plan, uuid)
    must = set()
    if len(fails) == 1:
        (uuid,) = fails
        must = plans.ancestors(plan, uuid) | {uuid}
    if not fails:
        must = everyone
    return must, below, (W.CANCELLED,), True


def topological(plan):
    """The plan's actions, parents before children."""
    done, order, todo = set(), [], list(plan.actions)
    while todo:
        ready = [a for a in todo if set(a.parents) <= done]
        for action in ready:
            done.add(action.uuid)
            order.append(action)
        todo = [a for a in todo if a.uuid not in done]
    return order


#: The ways the matrix makes an action fail: (name, parameters).
FAILURES = (('pre_condition', {'phase': 'pre_condition'}),
            ('execute', {'phase': 'execute'}),
            ('execute returning False', {'phase': 'execute', 'how': 'false'}),
            ('post_condition', {'phase': 'post_condition'}))


def shapes():
    """The shapes every position of which the matrices fail: name ->
    plan."""
    return {'chain(3)': plans.chain(3), 'diamond': plans.diamond(),
            'branches(2, 2)': plans.branches(2, 2)}


def nop_plans():
    """Shapes every ordering check runs."""
    return [plans.chain(4), plans.diamond(), plans.branches(3, 3),
            plans.layers(3, 3)]
