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

"""The obligations of the threadpool area: see
:mod:`watcher_conformance.obligations`."""

from watcher_conformance import obligations

must = obligations.must

#: Where the facts come from (``/work/shared/notes`` and ``seeds``).
UPSTREAM = 'upstream Watcher 17 DecisionEngineThreadPool (notes: ' \
    'upstream-watcher-17.md, section 1.1)'
GUIDE = 'seed: watcher-concurrency-guide (do_while_futures)'
SPEC = 'seed: watcher-spec-general-purpose-threadpool'
FUTURIST = 'futurist 3.5 semantics (notes: library-semantics.md, section 1)'
BUILDER = 'upstream NovaModelBuilder, the only user of the pool (notes: ' \
    'upstream-watcher-17.md, section 2.2)'

FUTURES_TIMEOUT = 'threadpool.futures_timeout'
WAIT = 'threadpool.wait'
SHUTDOWN = 'threadpool.shutdown'
STATISTICS = 'threadpool.statistics'

OBLIGATIONS = [
    # -- submit ------------------------------------------------------------
    must('threadpool.submit.arguments', """
        submit(fn, *args, **kwargs) MUST call fn with exactly those
        positional and keyword arguments.""",
         source=GUIDE + ': "the common (fn, *args, **kwargs) signature"'),
    must('threadpool.submit.result', """
        The future that submit returns MUST carry fn's return value.""",
         source=GUIDE),
    must('threadpool.submit.exception', """
        An exception raised by a task MUST be delivered through its future:
        exception() MUST return it and result() MUST raise it.""",
         source=UPSTREAM + '; concurrent.futures semantics'),
    must('threadpool.submit.queues_when_busy', """
        When every worker is busy, submit MUST queue the task and return at
        once, without running it.""",
         source=SPEC + ': the pool bounds the load on other services'),
    must('threadpool.submit.runs_on_worker', """
        A submitted task MUST run on one of the pool's workers, never in
        the thread that submitted it.""",
         source=SPEC),

    # -- the worker bound --------------------------------------------------
    must('threadpool.workers.all_run', """
        A pool configured with W workers MUST run W tasks at the same time
        when W tasks are waiting for each other.""",
         source=SPEC + ': max_general_workers threads'),
    must('threadpool.workers.bound', """
        A pool configured with W workers MUST NOT run more than W tasks at
        the same time.""",
         source=SPEC + ': "a large amount of threads could negatively '
         'impact external services"'),
    must('threadpool.workers.failure_keeps_worker', """
        A task that raises MUST NOT cost the pool a worker: after tasks
        failed, W tasks MUST still run at the same time.""",
         source='a real bug class: a slot released outside a finally'),
    must('threadpool.workers.configured_size', """
        The pool MUST take W from the Settings.max_workers it is built with,
        whatever value of at least 2 the suite gives, not from a default
        or an earlier pool.""",
         source=UPSTREAM + ': the size is max_general_workers (default 4), '
         'read when the singleton is created; a pool sized by the default '
         'passes every check run at the default'),

    # -- one pool per process ----------------------------------------------
    must('threadpool.singleton.same_instance', """
        Every request for the threadpool in a process MUST return the same
        instance, so that its worker bound holds for the whole process.""",
         source=SPEC + ': "a class that uses a singular pattern"'),
    must('threadpool.singleton.reset_does_not_wait', """
        The provider's reset() MUST return without waiting for a task that
        is stuck.""",
         source='the contract\'s Provider: a reset that waits for stuck '
         'work blocks the test worker and every test after it'),
    must('threadpool.singleton.same_across_threads', """
        A request for the threadpool from another thread MUST return the
        same instance as the first request.""",
         source=SPEC + '; the concurrency guide: the pool is shared '
         'amongst concurrently running audits'),

    # -- callbacks ---------------------------------------------------------
    must('threadpool.callbacks.once_each', """
        do_while_futures and do_while_futures_modify MUST call the callback
        exactly once for each future of the collection, in every call.""",
         source=UPSTREAM),
    must('threadpool.callbacks.arguments', """
        do_while_futures(futures, fn, *args, **kwargs) MUST call
        fn(future, *args, **kwargs): the future that submit returned first,
        then the very argument objects given.""",
         source=GUIDE + ': "the first argument to the callback is always '
         'the future itself"; the builder passes the list it collects '
         'instance futures in'),
    must('threadpool.callbacks.as_soon_as_finished', """
        do_while_futures MUST call the callback for a future as soon as
        that future finishes, whatever the order in which the futures were
        submitted or added, without waiting for any other future.""",
         source=GUIDE + ': "allows to immediately call a method as soon as '
         'a future finishes"'),
    must('threadpool.callbacks.only_finished', """
        do_while_futures MUST NOT call the callback for a future before that
        future has finished.""",
         source=GUIDE + '; the builder calls future.result() in its '
         'callback, which would block the loop'),
    must('threadpool.callbacks.calling_thread', """
        do_while_futures MUST run every callback in the thread that called
        it, one at a time.""",
         source=GUIDE + '; the builder changes its model only from '
         'callbacks, without locks'),
    must('threadpool.callbacks.independent_calls', """
        Calls of do_while_futures or do_while_futures_modify, from several
        threads at once or one after another, MUST each call back exactly
        the futures of their own collection, including a future that
        another call also waits on or already called back.""",
         source=GUIDE + ': the pool is shared amongst concurrently running '
         'audits; upstream keeps no loop state outside the call'),

    # -- collections -------------------------------------------------------
    must('threadpool.collections.copy_list', """
        do_while_futures MUST accept a list of futures and MUST leave the
        caller's list unchanged.""",
         source=UPSTREAM + ': a shallow copy of the collection'),
    must('threadpool.collections.copy_set', """
        do_while_futures MUST accept a set of futures and MUST leave the
        caller's set unchanged.""",
         source=UPSTREAM),
    must('threadpool.collections.copy_dict', """
        do_while_futures MUST accept a dict whose keys are futures, call
        back each key, and leave the caller's dict unchanged.""",
         source='upstream bug: futures.remove() fails on a dict '
         '(upstream-results.rst)'),
    must('threadpool.collections.modify_list', """
        do_while_futures_modify MUST accept a list of futures and MUST
        remove each future from it once called back.""",
         source=UPSTREAM),
    must('threadpool.collections.modify_set', """
        do_while_futures_modify MUST accept a set of futures and MUST
        remove each future from it once called back.""",
         source=UPSTREAM),
    must('threadpool.collections.modify_dict', """
        do_while_futures_modify MUST accept a dict whose keys are futures
        and remove each key once called back.""",
         source='upstream bug: futures.remove() fails on a dict'),
    must('threadpool.collections.empty', """
        do_while_futures and do_while_futures_modify MUST return at once,
        without calling the callback, when given an empty collection.""",
         source=UPSTREAM),

    # -- errors ------------------------------------------------------------
    must('threadpool.errors.failed_task_called_back', """
        do_while_futures MUST call back the future of a task that raised,
        with the exception available from future.exception(), wherever it
        finishes among the others, and MUST go on calling back the other
        futures.""",
         source=UPSTREAM + '; the builder reads future.result() in its '
         'callback'),
    must('threadpool.errors.callback_exception_propagates', """
        An exception raised by the callback MUST propagate out of
        do_while_futures and do_while_futures_modify to their caller: the
        same exception object, not swallowed nor wrapped.""",
         source=UPSTREAM),
    must('threadpool.errors.callback_exception_at_once', """
        When the callback raises, do_while_futures MUST raise at once: no
        further callback runs, and it does not wait for the futures not yet
        called back.""",
         source=UPSTREAM + '; the threadpool guide: "propagates out of '
         'do_while_futures at once"'),
    must('threadpool.errors.callback_exception_keeps_futures', """
        When the callback raises, the futures not yet called back MUST NOT
        be cancelled: their tasks still run and complete.""",
         source=UPSTREAM + ': "the remaining futures are not removed and '
         'not cancelled"'),
    must('threadpool.errors.callback_exception_modify_collection', """
        When the callback raises, do_while_futures_modify MUST leave in the
        collection the future whose callback raised and every future not
        called back yet, and only those: a future is removed only after
        its callback returned.""",
         source=UPSTREAM + ': fn(f) then futures.remove(f)'),
    must('threadpool.errors.callback_exception_pool_usable', """
        After a callback raised, the pool MUST stay usable: a later call
        calls back exactly its own futures, once each (also the futures the
        failed call left), and W tasks still run at once.""",
         source='no loop state may outlive the call that raised'),

    # -- futures of the other mode -----------------------------------------
    must('threadpool.mixed.refused', """
        do_while_futures given green and native futures together MUST raise
        a clear error (RuntimeError, TypeError or ValueError naming green
        futures) instead of waiting on them.""",
         source=FUTURIST + ': waiters refuse mixed futures; a native future '
         'waited on under eventlet can hang the hub'),

    # -- work submitted from callbacks -------------------------------------
    must('threadpool.nested.modify_awaits_added', """
        do_while_futures_modify MUST also await, and call back, futures
        that callbacks add to the collection while it runs.""",
         source=BUILDER + ': the callback submits the instance fetch of '
         'each node'),
    must('threadpool.nested.modify_chain', """
        do_while_futures_modify MUST await a chain of futures in which each
        callback adds the next future, however deep the chain.""",
         source=BUILDER),
    must('threadpool.nested.callbacks_submit', """
        A callback of do_while_futures MUST be able to submit more work to
        the same pool, and all of it MUST complete.""",
         source=GUIDE + ': the compute node callback submits its '
         'instances'),

    # -- futures_timeout ---------------------------------------------------
    must('threadpool.timeout.returns', """
        do_while_futures(..., futures_timeout=T) and do_while_futures_modify
        MUST return, without raising, when no future finishes within T
        seconds, without calling back unfinished futures.""",
         source=UPSTREAM + ': a warning, no exception',
         feature=FUTURES_TIMEOUT),
    must('threadpool.timeout.finished_called_back', """
        Before returning on futures_timeout, do_while_futures MUST have
        called back every future that did finish.""",
         source=UPSTREAM, feature=FUTURES_TIMEOUT),
    must('threadpool.timeout.per_wait', """
        futures_timeout MUST bound each wait for the next future, counted
        afresh each time the callbacks return, not the whole call: time
        spent in callbacks never counts.""",
         source=UPSTREAM + ': "futures_timeout applies to each '
         'wait_for_any call, not to the whole loop"',
         feature=FUTURES_TIMEOUT),
    must('threadpool.timeout.zero', """
        futures_timeout=0 MUST NOT wait: the call calls back the futures
        already finished and returns at once, as on a timeout.""",
         source=UPSTREAM + ': wait_for_any(timeout=0); 0 is a timeout, '
         'not "no timeout"', feature=FUTURES_TIMEOUT),
    must('threadpool.timeout.cancels_queued', """
        On futures_timeout, do_while_futures MUST cancel the futures whose
        tasks have not started.""",
         source=UPSTREAM + '; Watcher commit f6aac33e: "wait for running, '
         'cancel pending"', feature=FUTURES_TIMEOUT),
    must('threadpool.timeout.keeps_running', """
        On futures_timeout, do_while_futures MUST NOT cancel (nor abandon)
        running futures: their tasks run on.""",
         source=UPSTREAM, feature=FUTURES_TIMEOUT),
    must('threadpool.timeout.no_callback_for_cancelled', """
        do_while_futures MUST NOT call back the futures a futures_timeout
        cancelled.""",
         source=UPSTREAM + ': cancel, then break', feature=FUTURES_TIMEOUT),
    must('threadpool.timeout.modify_leaves_uncalled', """
        After returning on futures_timeout, do_while_futures_modify MUST
        leave in the collection exactly the futures it did not call back:
        the running ones and those it cancelled.""",
         source=UPSTREAM + '; the caller learns from the collection what is '
         'missing', feature=FUTURES_TIMEOUT),
    must('threadpool.timeout.copy_untouched', """
        After returning on futures_timeout, do_while_futures MUST have left
        the caller's collection unchanged.""",
         source=UPSTREAM, feature=FUTURES_TIMEOUT),

    # -- wait_for_all, wait_for_any ----------------------------------------
    must('threadpool.wait.all_timeout', """
        wait_for_all(futures, timeout=T) MUST return (done, not_done) after
        T seconds when some futures have not finished, without
        raising.""", source=FUTURIST + ': waiters', feature=WAIT),
    must('threadpool.wait.all_waits_for_every', """
        wait_for_all(futures) MUST NOT return before every future has
        finished, whatever order they finish in.""",
         source=FUTURIST, feature=WAIT),
    must('threadpool.wait.any_first', """
        wait_for_any(futures) MUST return as soon as one future has
        finished, with that future in done and the unfinished ones in
        not_done.""", source=FUTURIST, feature=WAIT),
    must('threadpool.wait.any_timeout', """
        wait_for_any(futures, timeout=T) MUST return (done, not_done), with
        every future in not_done, after T seconds when none has finished,
        without raising.""", source=FUTURIST, feature=WAIT),

    # -- shutdown ----------------------------------------------------------
    must('threadpool.shutdown.completes_queued', """
        shutdown(wait=True) MUST let running and queued tasks, whoever
        submitted them, complete before it returns; it MUST NOT abandon or
        cancel queued work.""",
         source='futurist bug #2121545 (shutdown dropped queued work)',
         feature=SHUTDOWN),
    must('threadpool.shutdown.waits_by_default', """
        shutdown() called without arguments MUST wait as shutdown(wait=True)
        does.""",
         source=FUTURIST + ' and concurrent.futures: wait defaults to True',
         feature=SHUTDOWN),
    must('threadpool.shutdown.refuses_later', """
        submit after shutdown MUST raise RuntimeError rather than accept
        work that will never run.""", source=FUTURIST, feature=SHUTDOWN),
    must('threadpool.shutdown.no_deadlock', """
        A task that submits while shutdown(wait=True) waits for it MUST NOT
        deadlock: the submit either runs the new task or raises
        RuntimeError, and shutdown MUST return.""",
         source=FUTURIST + ': shutdown holds the lock submit needs',
         feature=SHUTDOWN),
    must('threadpool.shutdown.submit_during', """
        A submit from any thread while shutdown(wait=True) waits MUST
        either raise RuntimeError or have its task complete before shutdown
        returns.""",
         source='a pool that closes only after draining accepts work it '
         'then abandons', feature=SHUTDOWN),

    # -- statistics --------------------------------------------------------
    must('threadpool.statistics.executed', """
        The pool's statistics MUST count every executed task in executed,
        whether it returned or raised.""",
         source=FUTURIST + ': ExecutorStatistics', feature=STATISTICS),
    must('threadpool.statistics.failures', """
        The pool's statistics MUST count the tasks that raised in
        failures.""", source=FUTURIST, feature=STATISTICS),
    must('threadpool.statistics.fresh_at_zero', """
        A pool that has run no task MUST report executed and failures of
        zero: its statistics count its own tasks only.""",
         source=FUTURIST + ': a new executor\'s ExecutorStatistics are all '
         'zero', feature=STATISTICS),
    must('threadpool.statistics.not_cancelled', """
        The pool's statistics MUST NOT count a task cancelled before it
        started, neither in executed nor in failures.""",
         source=FUTURIST + ': ExecutorStatistics counts cancelled tasks '
         'apart; a cancelled task never executed', feature=STATISTICS),
]
