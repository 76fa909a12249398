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

"""Broken workflow engines: the reference engine with one step changed.

CONTINUES_DESPITE_REVERT is upstream Watcher 17's engine as its documents
describe it (revert) and as it behaves (its action container swallows every
error, so taskflow never reverts); the others are defects a port to native
threads, or a new engine, can bring.
"""

from reference.applier import engine as engine_
from reference.applier import store as store_
from reference import executor
from reference import implementation as reference
from tests import broken
from watcher_conformance import workflow

Run = engine_.Run
Engine = engine_.WorkflowEngine


def _implementation(name, policy='revert', declared=None, run=None,
                    engine=None, **methods):
    """The reference, its engine using a Run with *methods* replaced (or
    *run*), or *engine*; following *policy*, declaring *declared*."""
    run = run or type(name.title().replace('-', ''), (Run,), methods)
    engine = engine or type('Broken', (Engine,), {'run_class': run})

    def factory(settings):
        return reference.WorkflowEngineProvider(settings, engine_class=engine,
                                                policy=policy)
    return broken.replace_piece(name, 'workflow_engine', factory,
                                {'workflow.failure_policy':
                                 declared or policy})


def _engine(**attributes):
    return type('Broken', (Engine,), attributes)


# -- ordering ----------------------------------------------------------------

def _flow_without_edges(self):
    flow = engine_.graph_flow.Flow(self.plan.uuid)
    flow.add(*(engine_.ActionTask(self, a, ()) for a in self.plan.actions))
    return flow


PARENTS_IGNORED = _implementation('parents-ignored',
                                  flow=_flow_without_edges)
ONE_ACTION_AT_A_TIME = _implementation(
    'one-action-at-a-time',
    engine=_engine(make_pool=lambda self, n: executor.make(1)))
IGNORES_WORKER_COUNT = _implementation(
    'ignores-worker-count',
    engine=_engine(make_pool=lambda self, n: executor.make(64)))


def _perform_twice(self, uuid, obj):
    Run.perform(self, uuid, obj)
    obj.execute()  # "make sure it took"


EXECUTES_TWICE = _implementation('executes-twice', perform=_perform_twice)

# -- the store ---------------------------------------------------------------


class ForgetfulStore(store_.Store):
    """Never writes SUCCEEDED: the action stays ONGOING in the database."""

    def set_action_state(self, plan_uuid, action_uuid, state, message=None):
        if state != workflow.SUCCEEDED:
            super().set_action_state(plan_uuid, action_uuid, state, message)


class LateStore(store_.Store):
    """Keeps action states in memory and writes them when the plan ends."""

    def __init__(self, url=None):
        super().__init__(url)
        self.pending = []

    def set_action_state(self, plan_uuid, action_uuid, state, message=None):
        self.pending.append((plan_uuid, action_uuid, state, message))

    def set_plan_state(self, plan_uuid, state):
        if state in workflow.PLAN_TERMINAL:
            for change in self.pending:
                super().set_action_state(*change)
            self.pending = []
        super().set_plan_state(plan_uuid, state)


class StoreByActionUuid(store_.Store):
    """Updates an action by its uuid alone, as if uuids were unique across
    plans."""

    def set_action_state(self, plan_uuid, action_uuid, state, message=None):
        with self._write, self.engine.begin() as conn:
            conn.execute(store_.ACTIONS.update().where(
                store_.ACTIONS.c.uuid == action_uuid).values(state=state))


SUCCESS_NOT_STORED = _implementation(
    'success-not-stored', engine=_engine(store_class=ForgetfulStore))
STATES_WRITTEN_AT_END = _implementation(
    'states-written-at-end', engine=_engine(store_class=LateStore))
STATES_KEYED_BY_ACTION_UUID = _implementation(
    'states-keyed-by-action-uuid',
    engine=_engine(store_class=StoreByActionUuid))


def _finish_succeeding(self):
    self.failed = False
    return Run.finish(self)


PLAN_ALWAYS_SUCCEEDS = _implementation('plan-always-succeeds',
                                       finish=_finish_succeeding)

# -- failure policies --------------------------------------------------------

CONTINUES_DESPITE_REVERT = _implementation(
    'continues-despite-revert', raises_on_failure=lambda self: False)


class RevertsParentsFirst(Run):
    """Collects taskflow's reverts and performs them at the end, in plan
    order: parents before children."""

    def revert_action(self, action, result):
        if result is True:
            self.__dict__.setdefault('to_revert', set()).add(action.uuid)

    def finish(self):
        for action in self.plan.actions:
            if action.uuid in getattr(self, 'to_revert', ()):
                Run.revert_action(self, action, True)
        return Run.finish(self)


REVERTS_PARENTS_FIRST = _implementation('reverts-parents-first',
                                        run=RevertsParentsFirst)


def _revert_nothing(self, action, result):
    if result is True:
        self.store.set_action_state(self.plan.uuid, action.uuid,
                                    workflow.REVERTED)


NEVER_REVERTS = _implementation('never-reverts', revert_action=_revert_nothing)


def _revert_hiding_failure(self, action, result):
    try:
        Run.revert_action(self, action, result)
    except Exception:
        self.store.set_action_state(self.plan.uuid, action.uuid,
                                    workflow.REVERTED)


HIDES_REVERT_FAILURE = _implementation('hides-revert-failure',
                                       revert_action=_revert_hiding_failure)
REVERTS_DESPITE_CONTINUE = _implementation(
    'reverts-despite-continue', policy='revert', declared='continue')

# -- rules -------------------------------------------------------------------

RULES_IGNORED = _implementation(
    'rules-ignored', raises_on_failure=lambda self: True)


def _any_as_always(self, action, parents):
    plan = self.plan
    try:
        self.plan = workflow.Plan(plan.uuid, plan.actions, workflow.ALWAYS)
        return Run.execute_action(self, action, parents)
    finally:
        self.plan = plan


ANY_RUNS_EVERYTHING = _implementation('any-runs-everything',
                                      execute_action=_any_as_always)

# -- phases ------------------------------------------------------------------


def _perform_ignoring_pre_condition(self, uuid, obj):
    try:
        obj.pre_condition()
    except Exception:
        pass  # "a stale pre-condition should not block the plan"
    if obj.execute() is not True:
        raise engine_.ActionFailure('%s: execute did not succeed' % uuid)
    obj.post_condition()


def _perform_without_post_condition(self, uuid, obj):
    obj.pre_condition()
    if obj.execute() is not True:
        raise engine_.ActionFailure('%s: execute did not succeed' % uuid)


def _perform_ignoring_result(self, uuid, obj):
    obj.pre_condition()
    obj.execute()
    obj.post_condition()


PRE_CONDITION_IGNORED = _implementation(
    'pre-condition-ignored', perform=_perform_ignoring_pre_condition)
POST_CONDITION_SKIPPED = _implementation(
    'post-condition-skipped', perform=_perform_without_post_condition)
FALSE_IS_SUCCESS = _implementation('false-is-success',
                                   perform=_perform_ignoring_result)

# -- cancel ------------------------------------------------------------------


def _cancel_without_abort(self):
    self.cancelled.set()
    self.taskflow.suspend()  # running actions are left to finish


CANCEL_DOES_NOT_ABORT = _implementation('cancel-does-not-abort',
                                        cancel=_cancel_without_abort)

# -- plans -------------------------------------------------------------------


def _validate_nothing(plan):
    pass


def _flow_of_earlier_parents(self):
    # Keeps only parents listed before the action: a cycle loses the edge
    # that closes it, and the plan runs.
    flow = engine_.graph_flow.Flow(self.plan.uuid)
    seen, tasks = set(), []
    for action in self.plan.actions:
        tasks.append(engine_.ActionTask(
            self, action, [p for p in action.parents if p in seen]))
        seen.add(action.uuid)
    flow.add(*tasks)
    return flow


def _flow_of_distinct_uuids(self):
    last = {a.uuid: a for a in self.plan.actions}  # the last one wins
    flow = engine_.graph_flow.Flow(self.plan.uuid)
    flow.add(*(engine_.ActionTask(self, a, [p for p in a.parents
                                            if p in last])
               for a in last.values()))
    return flow


class LenientRun(Run):
    flow = _flow_of_earlier_parents


class DeduplicatingRun(Run):
    flow = _flow_of_distinct_uuids


CYCLES_BROKEN_SILENTLY = _implementation(
    'cycles-broken-silently',
    engine=_engine(run_class=LenientRun,
                   validate=staticmethod(_validate_nothing)))
UNKNOWN_PARENTS_DROPPED = _implementation(
    'unknown-parents-dropped',
    engine=_engine(run_class=DeduplicatingRun,
                   validate=staticmethod(_validate_nothing)))


class MergingStore(store_.Store):
    """Stores a plan's actions by uuid: a duplicate replaces the first."""

    def add_plan(self, plan, state):
        last = {a.uuid: a for a in plan.actions}
        super().add_plan(workflow.Plan(plan.uuid, list(last.values())),
                         state)


DUPLICATES_MERGED = _implementation(
    'duplicates-merged',
    engine=_engine(run_class=DeduplicatingRun, store_class=MergingStore,
                   validate=staticmethod(_validate_nothing)))


def _validate_with_cap(plan):
    engine_.validate(plan)
    if len(plan.actions) > 500:  # "no strategy makes plans that big"
        raise engine_.InvalidPlan('plan %s: more than 500 actions'
                                  % plan.uuid)


LIMITED_PLAN_SIZE = _implementation(
    'limited-plan-size', engine=_engine(validate=staticmethod(
        _validate_with_cap)))

#: The reference following the other failure policy: it must pass.
CONTINUING_REFERENCE = _implementation('continuing-reference', run=Run,
                                       policy='continue')


_case = broken.case_maker(__name__)


CASES = [
    _case('PARENTS_IGNORED', 'actions start without waiting for parents',
          'test_no_action_starts_before_its_parents_finish'),
    _case('ONE_ACTION_AT_A_TIME', 'a pool of one worker',
          'test_independent_actions_run_concurrently'),
    _case('IGNORES_WORKER_COUNT', 'a pool of 64 workers',
          'test_never_more_actions_than_workers'),
    _case('EXECUTES_TWICE', 'execute is called again to confirm',
          'test_each_action_executes_once'),
    _case('SUCCESS_NOT_STORED', 'SUCCEEDED never reaches the database',
          'test_store_agrees_with_what_ran'),
    _case('STATES_WRITTEN_AT_END', 'action states are written when the '
          'plan ends', 'test_states_reach_the_store_as_they_change'),
    _case('STATES_KEYED_BY_ACTION_UUID', 'states are updated by action '
          'uuid alone', 'test_concurrent_plans_keep_their_own_states'),
    _case('PLAN_ALWAYS_SUCCEEDS', 'the plan ends SUCCEEDED whatever failed',
          'test_plan_failed_iff_an_action_failed'),
    _case('CONTINUES_DESPITE_REVERT', 'declares revert, never reverts and '
          'runs children of failures (upstream 17)',
          'test_failure_stops_descendants_and_reverts_ancestors',
          'test_failure_reverts_independent_branches'),
    _case('REVERTS_PARENTS_FIRST', 'reverts parents before children',
          'test_children_reverted_before_parents'),
    _case('NEVER_REVERTS', 'marks actions REVERTED without reverting them',
          'test_failure_stops_descendants_and_reverts_ancestors'),
    _case('HIDES_REVERT_FAILURE', 'a revert that raises is marked REVERTED',
          'test_revert_that_raises'),
    _case('REVERTS_DESPITE_CONTINUE', 'declares continue, reverts',
          'test_children_of_failed_action_run',
          'test_every_action_runs_despite_failure'),
    _case('RULES_IGNORED', 'the ALWAYS rule is ignored',
          'test_always_runs_children_of_failed_action'),
    _case('ANY_RUNS_EVERYTHING', 'the ANY rule runs every action',
          'test_any_runs_alternatives_only'),
    _case('PRE_CONDITION_IGNORED', 'a failed pre-condition is ignored',
          'test_failed_pre_condition_prevents_execute'),
    _case('POST_CONDITION_SKIPPED', 'post-conditions are never checked',
          'test_failed_post_condition_fails_action'),
    _case('FALSE_IS_SUCCESS', "execute's result is ignored",
          'test_execute_returning_false_fails_action'),
    _case('CANCEL_DOES_NOT_ABORT', 'cancel lets running actions run on',
          'test_cancel_while_actions_run'),
    _case('CYCLES_BROKEN_SILENTLY', 'the edge closing a cycle is dropped',
          'test_cycle_refused'),
    _case('UNKNOWN_PARENTS_DROPPED', 'unknown parents are dropped',
          'test_unknown_parent_refused'),
    _case('DUPLICATES_MERGED', 'a duplicate uuid replaces the first',
          'test_duplicate_uuid_refused'),
    _case('LIMITED_PLAN_SIZE', 'plans over 500 actions are refused',
          'test_thousand_action_plan_completes'),
]
