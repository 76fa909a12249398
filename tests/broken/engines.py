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

import threading

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

# -- found by the adversarial scenarios -------------------------------------


def _flow_of_generations(self):
    # Each action waits for the whole previous generation (its depth - 1):
    # "run the plan level by level", a barrier between layers.
    depth = {}
    for action in self.plan.actions:  # the suite's plans list parents first
        depth[action.uuid] = 1 + max((depth[p] for p in action.parents),
                                     default=-1)
    level = {}
    for uuid, d in depth.items():
        level.setdefault(d, []).append(uuid)
    flow = engine_.graph_flow.Flow(self.plan.uuid)
    flow.add(*(engine_.ActionTask(self, a, level.get(depth[a.uuid] - 1, ()))
               for a in self.plan.actions))
    return flow


LAYER_BY_LAYER = _implementation('layer-by-layer',
                                 flow=_flow_of_generations)


class PoolPerPlanRun(Run):
    """A pool of max_workers for each plan, as upstream builds one per
    taskflow engine."""

    def __init__(self, engine, plan, make_action):
        self.own_pool = executor.make(engine.max_workers)
        shared, engine.pool = engine.pool, self.own_pool
        try:
            Run.__init__(self, engine, plan, make_action)
        finally:
            engine.pool = shared

    def finish(self):
        self.own_pool.shutdown(wait=False)
        return Run.finish(self)


POOL_PER_PLAN = _implementation('pool-per-plan', run=PoolPerPlanRun)


class LazyRowsStore(store_.Store):
    """Creates an action's row when its first state is written; the rows
    of actions that never ran are added when the plan ends."""

    def add_plan(self, plan, state):
        self.__dict__.setdefault('plans', {})[plan.uuid] = plan
        super().add_plan(workflow.Plan(plan.uuid, ()), state)

    def _add_rows(self, plan_uuid, uuids, state):
        plan = self.plans[plan_uuid]
        with self._write, self.engine.begin() as conn:
            have = {r.uuid for r in conn.execute(
                store_.sa.select(store_.ACTIONS.c.uuid).where(
                    store_.ACTIONS.c.plan_uuid == plan_uuid))}
            rows = [{'uuid': a.uuid, 'plan_uuid': plan_uuid,
                     'action_type': a.action_type, 'parents': [],
                     'parameters': {}, 'state': state, 'updated_at': 0.0}
                    for a in plan.actions
                    if a.uuid in uuids and a.uuid not in have]
            if rows:
                conn.execute(store_.ACTIONS.insert(), rows)

    def set_action_state(self, plan_uuid, action_uuid, state, message=None):
        self._add_rows(plan_uuid, {action_uuid}, state)
        super().set_action_state(plan_uuid, action_uuid, state, message)

    def set_states_where(self, plan_uuid, old, new):
        self._add_rows(plan_uuid, {a.uuid for a in self.plans[
            plan_uuid].actions}, new)
        return super().set_states_where(plan_uuid, old, new)


ROWS_CREATED_WHEN_STARTED = _implementation(
    'rows-created-when-started',
    engine=_engine(store_class=LazyRowsStore))


class EmptyPlanStore(store_.Store):
    """Inserts a plan's actions without looking: none is an empty insert."""

    def add_plan(self, plan, state):
        with self._write, self.engine.begin() as conn:
            conn.execute(store_.PLANS.insert(), [
                {'uuid': plan.uuid, 'state': state, 'updated_at': 0.0}])
            conn.execute(store_.ACTIONS.insert(), [
                {'uuid': a.uuid, 'plan_uuid': plan.uuid,
                 'action_type': a.action_type, 'parents': list(a.parents),
                 'parameters': dict(a.parameters), 'state': state,
                 'updated_at': 0.0} for a in plan.actions])


EMPTY_PLAN_FAILS = _implementation(
    'empty-plan-fails', engine=_engine(store_class=EmptyPlanStore))


def _perform_storing_success_early(self, uuid, obj):
    # Upstream's order: SUCCEEDED once execute returned True, then the
    # post-condition (FAILED after it if it fails).
    obj.pre_condition()
    if obj.execute() is not True:
        raise engine_.ActionFailure('%s: execute did not succeed' % uuid)
    self.store.set_action_state(self.plan.uuid, uuid, workflow.SUCCEEDED)
    obj.post_condition()


SUCCEEDED_BEFORE_POST_CONDITION = _implementation(
    'succeeded-before-post-condition',
    perform=_perform_storing_success_early)


class WriteBehindStore(store_.Store):
    """Queues action states and writes them every 50 ms ("to spare the
    database"); the plan's final state, and the end's bulk update, first
    flush the queue."""

    def __init__(self, url=None):
        super().__init__(url)
        self.behind = []
        self.stopped = threading.Event()
        self.writer = threading.Thread(target=self._write_behind,
                                       daemon=True)
        self.writer.start()

    def _write_behind(self):
        while not self.stopped.wait(0.05):
            self.flush()

    def flush(self):
        with self._queue_lock:
            changes, self.behind = self.behind, []
        for change in changes:
            super().set_action_state(*change)

    def set_action_state(self, plan_uuid, action_uuid, state, message=None):
        with self._queue_lock:
            self.behind.append((plan_uuid, action_uuid, state, message))

    def set_states_where(self, plan_uuid, old, new):
        self.flush()
        return super().set_states_where(plan_uuid, old, new)

    def set_plan_state(self, plan_uuid, state):
        self.flush()
        super().set_plan_state(plan_uuid, state)

    def close(self):
        self.stopped.set()
        super().close()


STATES_WRITTEN_BEHIND = _implementation(
    'states-written-behind', engine=_engine(store_class=WriteBehindStore))


class SharedObjectsRun(Run):
    """Keeps the action objects in one dict of the engine, by action uuid:
    a revert finds whichever plan's object was made last."""

    def __init__(self, engine, plan, make_action):
        Run.__init__(self, engine, plan, make_action)
        self.objects = engine.__dict__.setdefault('objects', {})


ACTION_OBJECTS_SHARED = _implementation('action-objects-shared',
                                        run=SharedObjectsRun)


def _perform_failing_falsy_pre_condition(self, uuid, obj):
    if obj.pre_condition() is False:
        raise engine_.ActionFailure('%s: pre-condition not met' % uuid)
    if obj.execute() is not True:
        raise engine_.ActionFailure('%s: execute did not succeed' % uuid)
    obj.post_condition()


FALSE_PRE_CONDITION_FAILS = _implementation(
    'false-pre-condition-fails', perform=_perform_failing_falsy_pre_condition)


def _cancel_if_something_runs(self):
    with self._lock:
        idle = not self.ongoing
    if idle:
        return  # "nothing is running: nothing to cancel"
    Run.cancel(self)


CANCEL_NEEDS_A_RUNNING_ACTION = _implementation(
    'cancel-needs-a-running-action', cancel=_cancel_if_something_runs)


def _perform_without_cancel_check(self, uuid, obj):
    obj.pre_condition()
    if obj.execute() is not True:
        raise engine_.ActionFailure('%s: execute did not succeed' % uuid)
    obj.post_condition()


CANCEL_CHECKED_BEFORE_START_ONLY = _implementation(
    'cancel-checked-before-start-only',
    perform=_perform_without_cancel_check)


def _cancel_stopping_at_failing_abort(self):
    self.cancelled.set()
    self.taskflow.suspend()
    with self._lock:
        ongoing = list(self.ongoing.values())
    for obj in ongoing:
        obj.abort()  # the first that raises ends the loop


CANCEL_STOPS_AT_FAILING_ABORT = _implementation(
    'cancel-stops-at-failing-abort',
    cancel=_cancel_stopping_at_failing_abort)


def _cancel_the_current_action(self):
    self.cancelled.set()
    self.taskflow.suspend()
    with self._lock:
        current = list(self.ongoing.values())[-1:]  # "the running action"
    for obj in current:
        obj.abort()


ABORTS_LAST_STARTED_ONLY = _implementation(
    'aborts-last-started-only', cancel=_cancel_the_current_action)


class CancelAllEngine(Engine):
    """cancel() stops every running action of the engine, as if it ran
    one plan at a time (upstream's applier does, by default)."""

    def cancel(self, plan_uuid):
        Engine.cancel(self, plan_uuid)
        with self._lock:
            runs = list(self._runs.values())
        for run in runs:
            with run._lock:
                ongoing = list(run.ongoing.values())
            for obj in ongoing:
                obj.abort()


class CancelMarksFirstEngine(Engine):
    """Stores CANCELLING before looking for the running plan."""

    def cancel(self, plan_uuid):
        self.store.set_plan_state(plan_uuid, 'CANCELLING')
        Engine.cancel(self, plan_uuid)


CANCEL_ABORTS_EVERY_PLAN = _implementation('cancel-aborts-every-plan',
                                           engine=CancelAllEngine)
CANCEL_MARKS_ANY_PLAN = _implementation(
    'cancel-marks-any-plan',
    engine=type('Broken', (CancelMarksFirstEngine,), {}))


def _revert_unrecorded_after_cancel(self, action, result):
    obj = self.objects.get(action.uuid)
    if obj is None or result is not True:
        return
    obj.revert()
    if self.cancelled.is_set():
        return  # "cancelled: the plan's outcome is CANCELLED anyway"
    self.store.set_action_state(self.plan.uuid, action.uuid,
                                workflow.REVERTED)


REVERT_UNRECORDED_AFTER_CANCEL = _implementation(
    'revert-unrecorded-after-cancel',
    revert_action=_revert_unrecorded_after_cancel)


class OwnRevertRun(Run):
    """Handles failures itself instead of through taskflow: a child of a
    failed action cancels itself, and what completed is reverted at the
    end, newest first. A cancelled parent is not a failed one, so
    grandchildren run."""

    def raises_on_failure(self):
        return False

    def execute_action(self, action, parents):
        if (self.plan.execution_rule is None
                and self.engine.policy == 'revert'
                and any(r is False for r in parents.values())):
            self.store.set_action_state(self.plan.uuid, action.uuid,
                                        workflow.CANCELLED)
            return None
        result = Run.execute_action(self, action, parents)
        if result is True:
            with self._lock:
                self.__dict__.setdefault('done', []).append(action)
        return result

    def finish(self):
        if self.failed and self.engine.policy == 'revert' and \
                self.plan.execution_rule is None:
            for action in reversed(self.__dict__.get('done', [])):
                try:
                    Run.revert_action(self, action, True)
                except Exception:
                    pass
        return Run.finish(self)


GRANDCHILDREN_RUN = _implementation('grandchildren-run', run=OwnRevertRun)


class RevertsAllAtOnce(Run):
    """Collects taskflow's reverts and runs them all at once on the pool
    ("undo operations are independent")."""

    def revert_action(self, action, result):
        if result is True:
            with self._lock:
                self.__dict__.setdefault('to_revert', []).append(action)

    def finish(self):
        futures = [self.engine.pool.submit(Run.revert_action, self, a, True)
                   for a in self.__dict__.get('to_revert', [])]
        for future in futures:
            try:
                future.result()
            except Exception:
                pass
        return Run.finish(self)


REVERTS_ALL_AT_ONCE = _implementation('reverts-all-at-once',
                                      run=RevertsAllAtOnce)


class ForgetsLateCompletions(Run):
    """Does not revert what completed after the failure: "the rollback
    began before it finished"."""

    def execute_action(self, action, parents):
        result = Run.execute_action(self, action, parents)
        if result is True and self.failed:
            with self._lock:
                self.__dict__.setdefault('late', set()).add(action.uuid)
        return result

    def revert_action(self, action, result):
        if action.uuid not in self.__dict__.get('late', ()):
            Run.revert_action(self, action, result)


LATE_COMPLETIONS_NOT_REVERTED = _implementation(
    'late-completions-not-reverted', run=ForgetsLateCompletions)


def _finish_marking_rollback_done(self):
    if self.failed and self.raise_on_failure:
        # "the rollback is over": what completed counts as reverted.
        self.store.set_states_where(self.plan.uuid, workflow.SUCCEEDED,
                                    workflow.REVERTED)
    return Run.finish(self)


UNREVERTED_MARKED_REVERTED = _implementation(
    'unreverted-marked-reverted', finish=_finish_marking_rollback_done)


def _perform_halting_on_post_condition(self, uuid, obj):
    obj.pre_condition()
    if obj.execute() is not True:
        raise engine_.ActionFailure('%s: execute did not succeed' % uuid)
    try:
        obj.post_condition()
    except Exception as exc:
        # "a post-condition that fails leaves the cloud in an unknown
        # state: stop the plan"
        exc.halts = True
        raise


def _action_failed_halting(self, uuid, exc):
    state = Run.action_failed(self, uuid, exc)
    if getattr(exc, 'halts', False):
        raise engine_.ActionFailure('post-condition of %s failed' % uuid) \
            from exc
    return state


POST_CONDITION_FAILURE_HALTS = _implementation(
    'post-condition-failure-halts', policy='continue',
    perform=_perform_halting_on_post_condition,
    action_failed=_action_failed_halting)
POST_CONDITION_FAILURE_HALTS_ALWAYS = _implementation(
    'post-condition-failure-halts-always',
    perform=_perform_halting_on_post_condition,
    action_failed=_action_failed_halting)


def _any_with_one_failed_parent(self, action, parents):
    if (self.plan.execution_rule == workflow.ANY and parents
            and any(r is False for r in parents.values())):
        # "an alternative runs when one of the actions it replaces failed"
        plan = self.plan
        try:
            self.plan = workflow.Plan(plan.uuid, plan.actions,
                                      workflow.ALWAYS)
            return Run.execute_action(self, action, parents)
        finally:
            self.plan = plan
    return Run.execute_action(self, action, parents)


def _execute_making_outside_the_handler(self, action, parents):
    # The reference's execute_action, but the action is made outside the
    # handler: an error escapes to taskflow and the action is never marked.
    uuid = action.uuid
    if self.cancelled.is_set() or self.halted:
        return False
    if (self.plan.execution_rule == workflow.ANY and parents
            and not all(result is False for result in parents.values())):
        self.store.set_action_state(self.plan.uuid, uuid, workflow.SKIPPED)
        return workflow.SKIPPED
    obj = self.make_action(action)
    with self._lock:
        self.objects[uuid] = self.ongoing[uuid] = obj
    self.store.set_action_state(self.plan.uuid, uuid, workflow.ONGOING)
    try:
        self.perform(uuid, obj)
    except Exception as exc:
        return self.action_failed(uuid, exc)
    finally:
        with self._lock:
            self.ongoing.pop(uuid, None)
    self.store.set_action_state(self.plan.uuid, uuid, workflow.SUCCEEDED)
    return True


MAKE_ACTION_ERROR_UNRECORDED = _implementation(
    'make-action-error-unrecorded',
    execute_action=_execute_making_outside_the_handler)


def _finish_notifying_later(self):
    # "the plan's end is a notification": its state is written by a timer
    # thread, after execute() returned.
    self.store.set_states_where(self.plan.uuid, workflow.PENDING,
                                workflow.CANCELLED)
    state = (workflow.CANCELLED if self.cancelled.is_set()
             else workflow.FAILED if self.failed else workflow.SUCCEEDED)
    threading.Timer(0.05, _quietly, (self.store.set_plan_state,
                                     self.plan.uuid, state)).start()
    return state


def _quietly(fn, *args):
    try:
        fn(*args)
    except Exception:
        pass  # the test, and its database, may be gone


PLAN_STATE_WRITTEN_AFTER_RETURN = _implementation(
    'plan-state-written-after-return', finish=_finish_notifying_later)


def _run_letting_taskflow_raise(self):
    # taskflow's run() re-raises the failure that made it revert: "the
    # caller should know what went wrong".
    self.store.set_plan_state(self.plan.uuid, workflow.ONGOING)
    try:
        self.taskflow.run()
    except Exception:
        self.failed = True
        self.finish()
        raise
    return self.finish()


ACTION_ERROR_RAISED_FROM_EXECUTE = _implementation(
    'action-error-raised-from-execute',
    run=type('RaisingRun', (Run,), {'run': _run_letting_taskflow_raise}))

ANY_RUNS_ON_ONE_FAILED_PARENT = _implementation(
    'any-runs-on-one-failed-parent',
    execute_action=_any_with_one_failed_parent)

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
    _case('LAYER_BY_LAYER', 'each action waits for the whole previous '
          'generation', 'test_no_barrier_between_branches'),
    _case('POOL_PER_PLAN', 'a pool of max_workers per plan (as upstream)',
          'test_never_more_actions_than_workers'),
    _case('ROWS_CREATED_WHEN_STARTED', "an action's row is created when it "
          'starts', 'test_states_reach_the_store_as_they_change'),
    _case('EMPTY_PLAN_FAILS', 'a plan without actions cannot be stored',
          'test_plan_failed_iff_an_action_failed'),
    _case('SUCCEEDED_BEFORE_POST_CONDITION', 'SUCCEEDED is stored before the '
          'post-condition runs (upstream 17)',
          'test_store_says_it_before_the_engine_acts_on_it'),
    _case('STATES_WRITTEN_BEHIND', 'action states are written every 50 ms',
          'test_store_says_it_before_the_engine_acts_on_it'),
    _case('ACTION_OBJECTS_SHARED', 'action objects kept engine-wide by '
          'action uuid', 'test_failures_in_two_plans_at_once'),
    _case('FALSE_PRE_CONDITION_FAILS', 'a pre-condition returning False '
          'fails the action', 'test_condition_results_are_ignored'),
    _case('CANCEL_NEEDS_A_RUNNING_ACTION', 'cancel does nothing while no '
          'action runs', 'test_cancel_before_any_action_starts'),
    _case('CANCEL_CHECKED_BEFORE_START_ONLY', 'an action whose '
          'pre-condition ran during the cancel still executes',
          'test_cancel_during_pre_condition'),
    _case('CANCEL_STOPS_AT_FAILING_ABORT', 'an abort that raises ends the '
          'cancel', 'test_abort_that_raises_or_is_refused'),
    _case('ABORTS_LAST_STARTED_ONLY', 'cancel aborts only the last action '
          'started', 'test_cancel_while_actions_run'),
    _case('CANCEL_ABORTS_EVERY_PLAN', "cancel aborts every plan's running "
          'actions', 'test_cancel_touches_only_its_running_plan'),
    _case('CANCEL_MARKS_ANY_PLAN', 'cancel stores CANCELLING before '
          'looking for the plan', 'test_cancel_touches_only_its_running_plan'),
    _case('REVERT_UNRECORDED_AFTER_CANCEL', 'a revert that ends after a '
          'cancel is not stored', 'test_cancel_during_revert'),
    _case('GRANDCHILDREN_RUN', 'only the children of a failed action are '
          'stopped, not their descendants',
          'test_failure_stops_descendants_and_reverts_ancestors'),
    _case('REVERTS_ALL_AT_ONCE', 'every revert runs at once, in parallel',
          'test_children_reverted_before_parents'),
    _case('LATE_COMPLETIONS_NOT_REVERTED', 'what completes after the '
          'failure is not reverted',
          'test_failure_reverts_independent_branches'),
    _case('UNREVERTED_MARKED_REVERTED', 'after a revert raised, what was '
          'not reverted is stored REVERTED', 'test_revert_that_raises'),
    _case('POST_CONDITION_FAILURE_HALTS', 'under continue, a failed '
          'post-condition stops and reverts the plan',
          'test_every_action_runs_despite_failure'),
    _case('POST_CONDITION_FAILURE_HALTS_ALWAYS', 'under ALWAYS, a failed '
          'post-condition stops and reverts the plan',
          'test_always_runs_children_of_failed_action'),
    _case('ANY_RUNS_ON_ONE_FAILED_PARENT', 'under ANY, an action runs when '
          'one of its parents failed', 'test_any_runs_alternatives_only'),
    _case('ACTION_ERROR_RAISED_FROM_EXECUTE', "execute() re-raises the "
          "failure taskflow reverted for", 'test_revert_that_raises',
          'test_failure_stops_descendants_and_reverts_ancestors'),
    _case('MAKE_ACTION_ERROR_UNRECORDED', 'an action that cannot be made is '
          'never marked FAILED', 'test_make_action_that_raises'),
    _case('PLAN_STATE_WRITTEN_AFTER_RETURN', "the plan's final state is "
          'written after execute() returned',
          'test_plan_failed_iff_an_action_failed'),
]
