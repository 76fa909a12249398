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

"""Cancelling a plan: before it starts, while actions run, while they are
in their pre-condition, while they refuse or fail their abort, during the
revert pass; and what a cancel must leave alone."""

import uuid as uuid_

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.workflow import base
from watcher_conformance.workflow import plans

FEATURE = 'workflow.cancel'
W = base.W
#: The journal entry marking a cancel (edges 'start' and 'end').
CANCEL = 'cancel()'


class CancelTestCase(base.WorkflowTestCase):

    def cancel(self, plan, uuid=None):
        """``cancel(plan.uuid)`` (or *uuid*), bounded, marked in the plan's
        journal; the exception it raised, or None (a cancel may raise
        where the contract says nothing of its outcome)."""
        journal = self.journal(plan)
        journal.record('-', CANCEL, 'start')
        try:
            with self.bounded('cancel(%s)' % (uuid or plan.uuid)):
                self.engine.cancel(uuid or plan.uuid)
            raised = None
        except Exception as exc:
            raised = exc
        journal.record('-', CANCEL, 'end')
        return raised

    def wait_aborted(self, plan, *uuids):
        """Wait (bounded) until abort() was called on each of *uuids*; the
        ones it never was."""
        self.journal(plan).wait_for(
            lambda j: all(j.calls('abort', u) for u in uuids),
            self.conf.wait_timeout)
        return [u for u in uuids if not self.journal(plan).calls('abort', u)]

    def cancel_problems(self, plan, returned, want=(W.CANCELLED,)):
        """What the contract demands of a plan cancelled while it ran (its
        running actions let go only by their abort, or once they were
        aborted)."""
        journal = self.journal(plan)
        asked = journal.first('-', CANCEL, 'start').seq
        answered = journal.first('-', CANCEL, 'end').seq
        wrong = self.plan_problems(plan, returned, want, oid=(
            'workflow.cancel.plan_cancelled' if want == (W.CANCELLED,)
            else 'workflow.cancel.during_revert'))
        for action in plan.actions:
            uuid = action.uuid
            for method in ('pre_condition', 'execute'):
                began = journal.first(uuid, method, 'start')
                if began and began.seq > answered:
                    wrong.append('[workflow.cancel.nothing_starts_after] '
                                 '%s of %s began after cancel() returned'
                                 % (method, uuid))
            began = journal.first(uuid, 'execute', 'start')
            ended = journal.first(uuid, 'execute', 'end')
            if (began and began.seq < asked
                    and (ended is None or ended.seq > asked)
                    and not journal.calls('abort', uuid)):
                wrong.append('[workflow.cancel.aborts_running] %s was '
                             'executing when cancel() was called and was '
                             'never aborted' % uuid)
        return (wrong + self.order_problems(plan)
                + self.store_problems(plan, never=(W.CANCELLED,)))


class CancelTest(CancelTestCase):

    @catalogue.check('980a4b79-48b7-4d96-9c2a-95b1b73458e0', MUST, """
        Cancelling a running plan MUST abort the running actions, MUST NOT
        start any other, and MUST end the plan CANCELLED with every action
        in a terminal state: one action running, two running at once, or
        after another action failed.""", feature=FEATURE,
                     covers=('workflow.cancel.aborts_running',
                             'workflow.cancel.nothing_starts_after',
                             'workflow.cancel.plan_cancelled',
                             'workflow.cancel.action_states',
                             'workflow.store.agrees_with_run'))
    def test_cancel_while_actions_run(self):
        # The gates are never opened: only an abort ends a running action.
        plan = plans.chain(3, {'a2': 'block'}, {'a2': {'gate': 'never'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'a2')
        self.cancel(plan)
        returned = self.finish(outcome, 'execute() of a cancelled plan')
        self.assertEqual(['a2'], self.journal(plan).calls('abort'))
        self.assertFalse(self.ran(plan, 'a3'), 'a3 started after the cancel')
        self.assertPlanEnded(plan, returned, W.CANCELLED)
        self.assertEqual({'a1': W.SUCCEEDED, 'a2': W.CANCELLED,
                          'a3': W.CANCELLED}, self.states(plan))
        self.assertTerminalAndTrue(plan)
        problems = []
        # Two actions running at once; each is let go once aborted (or
        # once the wait for its abort failed).
        plan = plans.diamond({'left': 'block', 'right': 'block'},
                             {'left': {'gate': 'left'},
                              'right': {'gate': 'right'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'left')
        self.wait_started(plan, 'right')
        self.cancel(plan)
        self.wait_aborted(plan, 'left', 'right')
        self.gates['left'].open()
        self.gates['right'].open()
        returned = self.finish(outcome, 'execute() of a cancelled plan')
        problems.append(('diamond, left and right running',
                         self.cancel_problems(plan, returned)))
        # An action failed, then the plan is cancelled while another runs.
        plan = plans.branches(2, 2, {'b0-0': 'block', 'b0-1': 'fail',
                                     'b1-0': 'block'},
                              {'b0-0': {'gate': 'go'},
                               'b1-0': {'gate': 'b1-0'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'b0-0')
        self.wait_started(plan, 'b1-0')
        self.gates['go'].open()
        self.wait_stored(plan, 'b0-1', W.FAILED)
        self.cancel(plan)
        self.wait_aborted(plan, 'b1-0')
        self.gates['b1-0'].open()
        returned = self.finish(outcome, 'execute() of a cancelled plan')
        problems.append(('branches(2, 2), b0-1 failed, b1-0 running',
                         self.cancel_problems(plan, returned)))
        self.assertNoProblems(problems, 'plans cancelled while they ran')

    @catalogue.check('8d10bd8c-69c0-49c1-b0d8-2ac8c1f807eb', MUST, """
        A plan cancelled before any of its actions started (every worker
        busy with another plan) MUST start none of them and end CANCELLED,
        every action CANCELLED, and the other plan MUST go on.""",
                     feature=FEATURE,
                     covers=('workflow.cancel.before_start',
                             'workflow.cancel.plan_cancelled',
                             'workflow.cancel.other_plans_untouched',
                             'workflow.parallel.bound_across_plans'))
    def test_cancel_before_any_action_starts(self):
        busy = plans.independent(self.workers, plans.every(
            plans.independent(self.workers), 'block'), plans.every(
                plans.independent(self.workers), {'gate': 'busy'}))
        first = self.start(busy)
        self.assertTrue(self.executing.wait_running(
            self.workers, self.conf.wait_timeout),
            'the %d actions of the first plan did not run at once'
            % self.workers)
        plan = plans.diamond()
        second = self.start(plan)
        self.wait_plan_stored(plan, W.ONGOING)
        self.settle()
        early = sorted(a.uuid for a in plan.actions
                       if self.ran(plan, a.uuid))
        self.cancel(plan)
        self.gates['busy'].open()
        returned = self.finish(second, 'execute() of the cancelled plan')
        busy_returned = self.finish(first, 'execute() of the busy plan')
        problems = [('the cancelled plan', self.cancel_problems(
            plan, returned))]
        if early:
            problems[0][1].insert(0, (
                '[workflow.parallel.bound_across_plans] %s began while the '
                'other plan ran on every one of the %d workers'
                % (', '.join(early), self.workers)))
        ran = sorted(a.uuid for a in plan.actions if self.ran(plan, a.uuid))
        if ran:
            problems[0][1].append('[workflow.cancel.before_start] %s ran; '
                                  'the contract demands none' % ', '.join(
                                      ran))
        problems.append(('the busy plan', self.plan_problems(
            busy, busy_returned, (W.SUCCEEDED,))
            + self.store_problems(busy)))
        self.assertNoProblems(problems, 'a cancel before the plan started')

    @catalogue.check('05d0e606-d902-4d6b-8177-0c3ba1b90325', MUST, """
        An action whose pre-condition is running when its plan is cancelled
        MUST NOT execute once its pre-condition returns, and MUST end
        CANCELLED.""", feature=FEATURE,
                     covers=('workflow.cancel.nothing_starts_after',
                             'workflow.cancel.action_states'))
    def test_cancel_during_pre_condition(self):
        plan = plans.chain(2, {'a1': 'block'},
                           {'a1': {'gate': 'pre', 'blocks_in':
                                   'pre_condition'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'a1', 'pre_condition')
        self.cancel(plan)
        # Aborted or not, the pre-condition returns now.
        self.gates['pre'].open()
        returned = self.finish(outcome, 'execute() of a cancelled plan')
        self.assertNoProblems([('chain(2), a1 in its pre_condition',
                                self.cancel_problems(plan, returned))],
                              'a cancel during a pre-condition')

    @catalogue.check('6129ebe4-cc5c-4977-9cd0-77a04968715d', MUST, """
        An abort that raises MUST NOT stop the cancel: the other running
        actions MUST still be aborted and the plan MUST end CANCELLED; an
        action that completes despite its abort (refused or raising) MUST
        end SUCCEEDED.""", feature=FEATURE,
                     covers=('workflow.cancel.abort_raises',
                             'workflow.cancel.action_states',
                             'workflow.cancel.plan_cancelled',
                             'workflow.execute.action_errors_not_raised'))
    def test_abort_that_raises_or_is_refused(self):
        problems = []
        # i0 runs first, and its abort raises; i1 (after r) runs too.
        plan = workflow_plan(
            ('i0', 'block', (), {'gate': 'i0', 'abort': 'raise'}),
            ('r', 'block', (), {'gate': 'r'}),
            ('i1', 'block', ('r',), {'gate': 'i1'}))
        outcome = self.start(plan)
        self.wait_started(plan, 'i0')
        self.gates['r'].open()
        self.wait_started(plan, 'i1')
        self.cancel(plan)
        # An engine may abort after cancel() returned: the actions are let
        # go once aborted (or once the wait for it failed).
        missing = self.wait_aborted(plan, 'i0', 'i1')
        self.gates['i0'].open()
        self.gates['i1'].open()
        returned = self.finish(outcome, 'execute() of a cancelled plan')
        wrong = ['[workflow.cancel.abort_raises] i1 was never aborted after '
                 'the abort of i0 raised'] if 'i1' in missing else []
        problems.append(('i0 (abort raising) and i1 running',
                         wrong + self.cancel_problems(plan, returned)))
        # a1 refuses its abort and completes.
        plan = plans.chain(2, {'a1': 'block'},
                           {'a1': {'gate': 'a1', 'abort': 'refuse'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'a1')
        self.cancel(plan)
        self.wait_aborted(plan, 'a1')
        self.gates['a1'].open()
        returned = self.finish(outcome, 'execute() of a cancelled plan')
        problems.append(('chain(2), a1 refusing its abort',
                         self.cancel_problems(plan, returned)))
        self.assertNoProblems(problems, 'aborts that fail')

    @catalogue.check('953830b6-1d08-4339-82fc-ce390283564f', MUST, """
        Cancelling one plan MUST NOT abort or stop another plan running on
        the same engine; cancelling a plan that ended, or one that is not
        known, MUST NOT change any stored state.""", feature=FEATURE,
                     covers=('workflow.cancel.other_plans_untouched',
                             'workflow.cancel.not_running_no_effect',
                             'workflow.store.plans_isolated'))
    def test_cancel_touches_only_its_running_plan(self):
        ended = plans.chain(2)
        self.execute(ended)
        before = self.states(ended), self.plan_state(ended)
        other = plans.chain(2, {'a1': 'block'}, {'a1': {'gate': 'other'}})
        going = self.start(other)
        self.wait_started(other, 'a1')
        plan = plans.chain(2, {'a1': 'block'}, {'a1': {'gate': 'mine'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'a1')
        self.cancel(plan)
        self.cancel(ended)
        self.cancel(plan, str(uuid_.uuid4()))
        self.wait_aborted(plan, 'a1')
        self.gates['mine'].open()
        returned = self.finish(outcome, 'execute() of the cancelled plan')
        self.settle()
        problems = []
        touched = self.journal(other).calls('abort')
        during = self.states(other)
        self.gates['other'].open()
        other_returned = self.finish(going, 'execute() of the other plan')
        if touched or during.get('a1') != W.ONGOING:
            problems.append(('the other plan', [
                '[workflow.cancel.other_plans_untouched] after another '
                'plan was cancelled its a1 was %s%s; the contract demands '
                'it go on ONGOING, not aborted' % (
                    during.get('a1'), ' and aborted' if touched else '')]))
        problems.append(('the other plan', self.plan_problems(
            other, other_returned, (W.SUCCEEDED,))
            + self.store_problems(other)))
        problems.append(('the cancelled plan', self.cancel_problems(
            plan, returned)))
        after = self.states(ended), self.plan_state(ended)
        if after != before:
            problems.append(('a plan that had ended', [
                '[workflow.cancel.not_running_no_effect] cancel() changed '
                'its stored states from %s to %s' % (before, after)]))
        self.assertNoProblems(problems, 'cancels of other plans')


class CancelRevertTest(CancelTestCase):

    policy_checked = 'revert'

    @catalogue.check('7590689d-ed14-41b7-b3b4-9580af7c069e', MUST, """
        Under the revert policy, a cancel during the revert pass MUST let
        execute() return, with the plan CANCELLED or FAILED and every
        action in a terminal state that agrees with what ran.""",
                     feature=FEATURE,
                     covers=('workflow.cancel.during_revert',
                             'workflow.cancel.nothing_starts_after',
                             'workflow.revert.children_first'))
    def test_cancel_during_revert(self):
        # Whether the rollback goes on after the cancel is the engine's
        # choice: what was not reverted must be stored SUCCEEDED.
        plan = plans.chain(3, {'a3': 'fail'}, {'a2': {'revert_gate': 'r'}})
        outcome = self.start(plan)
        self.wait_started(plan, 'a2', 'revert')
        self.cancel(plan)
        self.gates['r'].open()
        returned = self.finish(outcome, 'execute() of a plan cancelled '
                               'while it reverted')
        self.assertNoProblems([('chain(3), a3 failed, cancelled during the '
                                'revert of a2', self.cancel_problems(
                                    plan, returned,
                                    (W.CANCELLED, W.FAILED))
                                + self.revert_problems(plan, False))],
                              'a cancel during the revert pass')


def workflow_plan(*actions):
    """A plan of (uuid, type, parents, parameters) actions."""
    return base.W.Plan(str(uuid_.uuid4()), [
        base.W.Action(uuid, kind, parents, parameters)
        for uuid, kind, parents, parameters in actions])
