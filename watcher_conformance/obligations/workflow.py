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

"""The obligations of the workflow area: see
:mod:`watcher_conformance.obligations`."""

from watcher_conformance import obligations

must = obligations.must

#: Where the facts come from (``/work/shared/notes`` and ``seeds``).
UPSTREAM = 'upstream Watcher 17 DefaultWorkFlowEngine and ' \
    'TaskFlowActionContainer (notes: upstream-watcher-17.md, section 3)'
HANDLER = 'upstream Watcher 17 DefaultActionPlanHandler (notes: ' \
    'upstream-watcher-17.md, section 3.4)'
GUIDE = 'seed: watcher-concurrency-guide (applier concurrency)'
TASKFLOW = 'taskflow 6.5 graph-flow semantics (notes: library-semantics.md, ' \
    'section 2)'
CONTRACT = 'contract: the workflow_engine piece'

CANCEL = 'workflow.cancel'
RULES = 'workflow.execution_rules'
REVERT = 'workflow.failure_policy=revert'
CONTINUE = 'workflow.failure_policy=continue'

OBLIGATIONS = [
    # -- ordering and parallelism -------------------------------------------
    must('workflow.order.parents_first', """
        An action MUST NOT begin (its pre_condition) before every one of
        its parents has ended.""",
         source=GUIDE + ': "the workflow engine utilizes a graph flow" for '
         'its strong ordering'),
    must('workflow.order.no_barrier', """
        An action whose parents have ended MUST start while a worker is
        free, without waiting for actions it does not depend on (no
        barrier between layers or branches).""",
         source=TASKFLOW + ': the parallel engine schedules each atom as '
         'soon as its predecessors are done; a layer-by-layer engine '
         'leaves workers idle behind its slowest action'),
    must('workflow.parallel.up_to_workers', """
        Independent actions MUST run at the same time, as many as the
        engine has workers.""",
         source=UPSTREAM + ': the parallel engine with max_workers'),
    must('workflow.parallel.bound', """
        An engine MUST NOT run more actions at once than it has workers.""",
         source=UPSTREAM + ': [watcher_workflow_engines.taskflow] '
         'max_workers bounds the load on the cloud'),
    must('workflow.parallel.bound_across_plans', """
        Plans running at once on one engine MUST together run no more
        actions at once than the engine has workers.""",
         source=CONTRACT + ': the engine is built with one worker count; '
         'upstream builds a pool per plan, so N plans at once may run N '
         'times max_workers actions (a finding, not a model)'),
    must('workflow.run.at_most_once', """
        Each action's execute MUST be called at most once in a plan's run,
        whether the plan succeeds, fails or is cancelled.""",
         source='a real bug class: a retry or a "make sure it took" '
         'repeats an operation on the cloud'),
    must('workflow.run.all_on_success', """
        Every action of a plan in which nothing fails MUST execute.""",
         source=UPSTREAM),
    must('workflow.run.phase_order', """
        An action's pre_condition MUST end before its execute begins, and
        its execute, if called, MUST end before its post_condition
        begins.""",
         source=UPSTREAM + ': pre_execute, execute, post_execute (upstream '
         'also calls post_condition after a failed pre-condition: allowed)'),

    # -- phases -------------------------------------------------------------
    must('workflow.phase.pre_condition_failure', """
        An action whose pre_condition raises MUST NOT execute and MUST end
        FAILED.""",
         source=UPSTREAM + ': _fail_action("pre_condition"), execute not '
         'called'),
    must('workflow.phase.execute_failure', """
        An action whose execute raises or returns False MUST end
        FAILED.""",
         source=UPSTREAM + ': "result is True" succeeds, anything else '
         'fails'),
    must('workflow.phase.post_condition_failure', """
        An action whose post_condition raises MUST end FAILED, its execute
        having run.""",
         source=UPSTREAM + ': _fail_action("post_condition")'),
    must('workflow.phase.post_condition_called', """
        An action MUST NOT end SUCCEEDED unless its post_condition was
        called and returned.""",
         source=UPSTREAM + ': post_execute calls post_condition'),
    must('workflow.phase.condition_result_ignored', """
        What pre_condition and post_condition return MUST be ignored: a
        condition fails only by raising.""",
         source=UPSTREAM + ': the containers ignore the value; upstream '
         'actions return None from both'),

    # -- what execute() gives its caller ------------------------------------
    must('workflow.execute.returns_final_state', """
        execute() MUST return the plan's final state: SUCCEEDED, FAILED or
        CANCELLED.""",
         source=CONTRACT),
    must('workflow.execute.action_errors_not_raised', """
        execute() MUST NOT raise because an action's pre_condition,
        execute, post_condition, revert or abort raised: the error is that
        action's state.""",
         source=HANDLER + ': the plan ends FAILED and the caller carries '
         'on; taskflow re-raises action failures from run(), an engine on '
         'it must catch them'),
    must('workflow.execute.make_action_raises', """
        When make_action raises for an action, the engine MUST either raise
        that exception from execute() before any action runs, leaving no
        action of the plan stored in a state that is not terminal, or fail
        that action (FAILED, with what the declared policy does after any
        failure).""",
         source=UPSTREAM + ': an action that cannot be made (an unknown '
         'type) ends FAILED; the caller gets the original error'),
    must('workflow.execute.usable_after_failure', """
        After plans whose actions raised in every phase, the engine MUST
        run the next plan normally.""",
         source='the piece stays usable and consistent after every '
         'exception it runs for its caller'),

    # -- the store ----------------------------------------------------------
    must('workflow.store.exact_actions', """
        While a plan runs and once it ended, the store MUST hold exactly
        the plan's actions, by uuid.""",
         source=UPSTREAM + ': the actions are stored with the plan'),
    must('workflow.store.terminal_at_end', """
        When execute() returns, every action of the plan MUST be in a
        terminal state in the store.""",
         source=HANDLER + ': leftover PENDING actions become CANCELLED'),
    must('workflow.store.agrees_with_run', """
        An action's final stored state MUST say what happened to it:
        SUCCEEDED if it ran and succeeded, FAILED if it failed, REVERTED
        once reverted, CANCELLED if a cancel stopped it, CANCELLED or
        SKIPPED if it never ran.""",
         source=CONTRACT + '; operators read the store to know what was '
         'done to their cloud'),
    must('workflow.store.pending_until_started', """
        Until an action starts, the store MUST say it is PENDING.""",
         source=UPSTREAM + ': actions are created PENDING'),
    must('workflow.store.ongoing_while_running', """
        While an action's execute or post_condition runs, the store MUST
        say it is ONGOING: never SUCCEEDED before its post_condition
        returned.""",
         source=UPSTREAM + ' notifies ONGOING before execute (it stores '
         'SUCCEEDED before post_condition and FAILED after it when it '
         'fails: a reader saw a success that was not one; a finding)'),
    must('workflow.store.before_acting', """
        A state change MUST be in the store before the engine acts on it:
        when an action begins, the store MUST already hold each parent's
        final state, and when a revert begins, each reverted child's.""",
         source=UPSTREAM + ': engine.notify saves the action before '
         'taskflow goes on; "nobody is told of a result that a reader of '
         'the store cannot yet see"'),
    must('workflow.store.succeeded_while_reverting', """
        While an action's revert runs, the store MUST still say it is
        SUCCEEDED: REVERTED only once revert() returned.""",
         source=CONTRACT + ': the states have no reverting state; the '
         "action's effect is in place until its revert returned"),
    must('workflow.store.plan_ongoing', """
        While a plan runs, the store MUST say it is ONGOING (or
        CANCELLING once it was asked to cancel).""",
         source=HANDLER + ': the plan is ONGOING while the engine runs'),
    must('workflow.store.plan_final_before_return', """
        When execute() returns, the store MUST already hold the plan's
        final state, the one execute() returned.""",
         source='"nobody is told of a result that a reader of the store '
         'cannot yet see"'),
    must('workflow.store.plans_isolated', """
        Two plans running at once on one engine, with actions of the same
        uuids, MUST each keep their own states.""",
         source=CONTRACT + ': an action uuid is unique within its plan '
         'only'),

    # -- the plan's state ---------------------------------------------------
    must('workflow.plan.failed_iff_failure', """
        A plan that was not cancelled MUST end FAILED if one of its actions
        failed (in a phase or in its revert), and SUCCEEDED otherwise.""",
         source=HANDLER + ': FAILED if any action is FAILED'),
    must('workflow.plan.empty_succeeds', """
        A plan without actions MUST end SUCCEEDED.""",
         source='boundary: nothing failed'),
    must('workflow.plan.cycle_refused', """
        A plan whose actions form a cycle MUST be refused with an error
        before any action runs.""",
         source=TASKFLOW + ': a cycle raises DependencyFailure; upstream '
         'stores and launches the plan first (a finding)'),
    must('workflow.plan.unknown_parent_refused', """
        A plan naming a parent it does not hold MUST be refused with an
        error before any action runs.""",
         source=CONTRACT),
    must('workflow.plan.duplicate_refused', """
        A plan holding two actions of one uuid MUST be refused with an
        error before any action runs.""",
         source=UPSTREAM + ': the database refuses the duplicate uuid'),
    must('workflow.plan.thousand_actions', """
        A plan of 1000 actions MUST complete, every action SUCCEEDED.""",
         source='a real bug class: recursion or quadratic graph building '
         'on big plans'),
    must('workflow.plans.failures_isolated', """
        A failure in one plan MUST NOT stop, cancel, abort or revert an
        action of another plan running on the same engine.""",
         source=CONTRACT + ': plans at once share only the workers and '
         'the store'),

    # -- the revert policy --------------------------------------------------
    must('workflow.revert.descendants_never_run', """
        Under the revert policy, no descendant of a failed action MUST
        run.""",
         source=GUIDE + ': "all childs of this tasks not be executed"',
         policy=REVERT),
    must('workflow.revert.no_start_after_failure', """
        Under the revert policy, no action MUST start once the store says
        an action of its plan FAILED.""",
         source=TASKFLOW + ': after a failure nothing new is scheduled',
         policy=REVERT),
    must('workflow.revert.completed_reverted', """
        Under the revert policy, every action of a failed plan that
        completed MUST be reverted, in every branch, including one still
        running when the failure happened.""",
         source=TASKFLOW + ': RevertAll; running atoms finish, then are '
         'reverted', policy=REVERT),
    must('workflow.revert.children_first', """
        Under the revert policy, an action's revert MUST NOT begin before
        the reverts of its children that completed have ended.""",
         source=TASKFLOW + ': an atom is reverted once every successor is '
         'reverted', policy=REVERT),
    must('workflow.revert.after_run', """
        Under the revert policy, an action's revert MUST NOT begin before
        its own run ended.""",
         source=TASKFLOW, policy=REVERT),
    must('workflow.revert.only_what_ran', """
        revert() MUST be called at most once per action, and never on an
        action that never ran.""",
         source=TASKFLOW + ': atoms left PENDING are not reverted'),
    must('workflow.revert.failed_action_stays_failed', """
        The failed action MUST end FAILED, whether or not the engine calls
        its revert().""",
         source=TASKFLOW + ' reverts the failed atom with '
         'result=Failure; the contract allows both, and the store must '
         'still say what failed', policy=REVERT),
    must('workflow.revert.raise_marks_failed', """
        Under the revert policy, a revert that raises MUST leave its action
        FAILED and the plan FAILED, and every action in a terminal state
        that agrees with what ran.""",
         source=TASKFLOW + ': REVERT_FAILURE halts the rest of the '
         'rollback; whether the rollback goes on is the engine\'s choice',
         policy=REVERT),
    must('workflow.revert.never_run_cancelled', """
        Under the revert policy, an action that never ran MUST end
        CANCELLED.""",
         source=HANDLER + ': leftover PENDING actions become CANCELLED',
         policy=REVERT),

    # -- the continue policy ------------------------------------------------
    must('workflow.continue.every_action_runs', """
        Under the continue policy, every action MUST run despite failures,
        the children and descendants of a failed action included.""",
         source=UPSTREAM + ': the container never raises, so taskflow runs '
         'every child', policy=CONTINUE),
    must('workflow.continue.nothing_reverted', """
        Under the continue policy, revert() MUST NOT be called.""",
         source=UPSTREAM, policy=CONTINUE),

    # -- execution rules ----------------------------------------------------
    must('workflow.rules.always_runs_all', """
        Under the ALWAYS rule, every action MUST run whatever its parents
        did, and nothing MUST be reverted, whatever the failure policy.""",
         source=UPSTREAM + ': the decider always allows', feature=RULES),
    must('workflow.rules.any_runs_iff_all_parents_failed', """
        Under the ANY rule, an action without parents MUST run, and an
        action with parents MUST run if and only if every one of its
        parents ran and failed.""",
         source=UPSTREAM + ' decides on the first parent only, in '
         "taskflow's storage order: with several parents its choice is "
         'arbitrary (a finding); an alternative is needed only when every '
         'action it replaces failed', feature=RULES),
    must('workflow.rules.any_skips_descendants', """
        Under the ANY rule, an action that does not run MUST end SKIPPED,
        and so MUST every descendant that therefore does not run.""",
         source=UPSTREAM + ' IGNOREs the child and its successors but '
         'leaves them PENDING (a finding)', feature=RULES),
    must('workflow.rules.any_nothing_reverted', """
        Under the ANY rule, revert() MUST NOT be called.""",
         source=UPSTREAM, feature=RULES),

    # -- cancel -------------------------------------------------------------
    must('workflow.cancel.aborts_running', """
        cancel() MUST call abort() on every action of the plan executing at
        that moment.""",
         source=CONTRACT + ': "running ones are aborted" (upstream waits '
         'for them instead: a finding)', feature=CANCEL),
    must('workflow.cancel.nothing_starts_after', """
        Once cancel() returned, no action of the plan MUST begin (its
        pre_condition) nor begin to execute, not even one that was in its
        pre_condition when cancel() was called.""",
         source=UPSTREAM + ': pre_execute refuses to run an action of a '
         'plan CANCELLING', feature=CANCEL),
    must('workflow.cancel.plan_cancelled', """
        A plan cancelled while one of its actions was executing or waiting
        to start MUST end CANCELLED, in what execute() returns and in the
        store, even if one of its actions failed.""",
         source=HANDLER + ': ActionPlanCancelled gives CANCELLED',
         feature=CANCEL),
    must('workflow.cancel.action_states', """
        After a cancel, an action stopped by it MUST end CANCELLED, one
        that never started CANCELLED, and one that completed despite its
        abort (abort refused or raising) SUCCEEDED.""",
         source=UPSTREAM + ': an abort that succeeds gives CANCELLED, a '
         'falsy one SUCCEEDED; PENDING actions become CANCELLED',
         feature=CANCEL),
    must('workflow.cancel.abort_raises', """
        An abort() that raises MUST NOT stop the cancel: the plan's other
        running actions MUST still be aborted and the plan MUST end
        CANCELLED.""",
         source=UPSTREAM + ': an abort that raises leaves its action '
         'FAILED and the cancel goes on', feature=CANCEL),
    must('workflow.cancel.before_start', """
        A plan cancelled before any of its actions started MUST start none
        and end CANCELLED, every action CANCELLED.""",
         source=HANDLER + ': a plan cancelled before it runs gets its '
         'PENDING actions CANCELLED', feature=CANCEL),
    must('workflow.cancel.other_plans_untouched', """
        Cancelling one plan MUST NOT abort, stop or change the state of
        another plan's actions on the same engine.""",
         source=CONTRACT + ': cancel(plan_uuid) names one plan',
         feature=CANCEL),
    must('workflow.cancel.not_running_no_effect', """
        cancel() of a plan that is not running (ended, or unknown) MUST
        NOT change any stored state; it may raise or return.""",
         source=CONTRACT + ': it "stops a running plan"', feature=CANCEL),
    must('workflow.cancel.during_revert', """
        A cancel during the revert pass MUST let execute() return, with
        every action in a terminal state that agrees with what ran and the
        plan CANCELLED or FAILED.""",
         source=TASKFLOW + ': suspend stops scheduling reverts; whether '
         'the rollback goes on is the engine\'s choice', feature=CANCEL,
         policy=REVERT),
]
