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

"""The obligations of the threading_model area: see
:mod:`watcher_conformance.obligations`."""

from watcher_conformance import obligations

must = obligations.must

_NOVA_SEED = ('seed nova-threading-model.txt: green threads switch only '
              'where the code yields')
_LOCKUTILS = ('oslo.concurrency lockutils as services use it '
              '(notes/library-semantics.md section 3)')
_COLLECTOR = ("upstream Watcher 17's collector: audits read "
              'get_latest_cluster_data_model() (notes/upstream-watcher-17.md '
              'section 4)')
_EXTERNAL = 'primitives.external_locks'
_FAIR = 'primitives.fair_locks'

OBLIGATIONS = [
    # -- yielding (eventlet) -------------------------------------------
    must('threading_model.yielding.callback_loop_yields', """
        Under eventlet, do_while_futures and do_while_futures_modify over
        thousands of finished futures MUST let another green thread run at
        least every 1000 callbacks.""",
         source=_NOVA_SEED + "; upstream's wait_for_any loop calls back "
         'every finished future in one pass without yielding'),
    must('threading_model.yielding.callbacks_complete', """
        While yielding, do_while_futures MUST still call back every future
        of the collection exactly once.""",
         source='the threadpool contract: one callback per future'),
    must('threading_model.yielding.record_loop_yields', """
        Under eventlet, building the model of a node with 20000 instances
        MUST let another green thread run at least every 1000 server
        records.""",
         source=_NOVA_SEED + '; a node over 1000 instances is one Nova '
         'answer of thousands of records'),
    must('threading_model.yielding.records_complete', """
        While yielding, the builder MUST still read every server record of
        the node.""",
         source='the model_builder contract: a complete model'),

    # -- locks ------------------------------------------------------------
    must('threading_model.locks.no_lost_update', """
        Read-modify-writes of shared state under one lock name MUST lose no
        update when they are forced to overlap.""",
         source=_LOCKUTILS + '; seed nova-threading-model.txt: '
         '@lockutils.synchronized avoids races'),
    must('threading_model.locks.one_holder_among_many', """
        A lock name contended by three or more threads MUST be held by at
        most one of them at any moment, also when its holder releases it
        to several waiters at once.""",
         source='a lock built on a condition that wakes every waiter and '
         'does not check again lets them all in; two threads never show it'),
    must('threading_model.locks.every_waiter_served', """
        Every thread waiting for a lock MUST get it once the threads ahead
        of it have released it: no waiter MUST be left blocked on a free
        lock.""",
         source='a release that wakes nobody, or the wrong waiter, strands '
         'the others'),
    must('threading_model.locks.names_independent', """
        Locks of two different names MUST NOT exclude each other: a thread
        MUST get a lock while another thread holds a lock of another
        name.""",
         source=_LOCKUTILS + ': one semaphore per name'),
    must('threading_model.locks.nested_other_name', """
        A thread holding a lock MUST be able to take a lock of another name
        inside it, neither refused nor blocked.""",
         source='services nest locks of different names; a lock that '
         'serialises every name deadlocks them'),
    must('threading_model.locks.nested_same_name_no_deadlock', """
        A thread taking a lock it already holds MUST NOT deadlock: the
        nested acquire MUST return or raise at once, for every kind of lock
        the implementation offers (plain, fair, external).""",
         source='Watcher bug #2152254 (commits 0c88a379, 51a27ae3): nested '
         'lockutils.synchronized("model_root") deadlocked a thread'),
    must('threading_model.locks.nested_keeps_hold', """
        After a nested acquire by its holder (refused with an exception,
        or returned and left), the lock MUST still be held by the outer
        block: another thread MUST NOT get it before the outermost block
        exits.""",
         source='contract gap decided here: a nested acquire that returns '
         'is re-entrant with a balanced release, one that raises leaves '
         'the outer hold alone'),
    must('threading_model.locks.nested_leaves_no_extra_release', """
        Once the outermost block exits after a nested acquire, a waiting
        thread MUST get the lock, and the lock MUST exclude as before: the
        nested acquire MUST leave no extra release behind.""",
         source='a release in a finally that also runs for a refused or '
         're-entered acquire raises a semaphore above one'),
    must('threading_model.locks.error_propagates', """
        An exception raised inside the with-block of a lock MUST reach the
        caller unchanged: the lock MUST NOT swallow, wrap or replace it.""",
         source='a context manager that logs and does not re-raise '
         'suppresses the caller\'s error'),
    must('threading_model.locks.error_releases', """
        An exception raised inside the with-block of a lock MUST release
        the lock: a thread waiting for it MUST get it.""",
         source='a @contextmanager without try/finally keeps the lock held '
         'for ever when its block raises'),
    must('threading_model.locks.error_forgets_holder', """
        After an exception left the with-block, the thread that raised MUST
        be able to take the lock again, neither refused as a nested acquire
        nor blocked.""",
         source='nested-acquire detection whose holder record is cleared '
         'only on a normal exit refuses the thread for ever'),

    # -- external locks -----------------------------------------------------
    must('threading_model.external_locks.path_required', """
        An external lock asked for without a lock path MUST be refused with
        an error naming lock_path, not taken as a process-local lock.""",
         source=_LOCKUTILS + ': without lock_path, RequiredOptError',
         feature=_EXTERNAL),
    must('threading_model.external_locks.excludes_processes', """
        Processes updating one file under an external lock of one name MUST
        lose no update when their read-modify-writes are forced to
        overlap.""",
         source=_LOCKUTILS + ': 3 processes x 50 increments give 150 '
         'with the lock, 72 without', feature=_EXTERNAL),
    must('threading_model.external_locks.excludes_threads', """
        Threads of one process taking the same external lock MUST exclude
        each other too, while other processes contend for it.""",
         source='POSIX record locks (fcntl.lockf, fasteners) belong to the '
         'process: lockutils takes its in-process semaphore first',
         feature=_EXTERNAL),

    # -- fair locks ---------------------------------------------------------
    must('threading_model.fair_locks.arrival_order', """
        A fair lock MUST be granted in the order it was asked for.""",
         source=_LOCKUTILS + ': fair=True is a FIFO ReaderWriterLock',
         feature=_FAIR),
    must('threading_model.fair_locks.no_barging', """
        A holder that asks for a fair lock again right after releasing it
        MUST queue behind the threads already waiting.""",
         source='a plain lock lets the releasing thread take it back first',
         feature=_FAIR),

    # -- offloading ---------------------------------------------------------
    must('threading_model.offload.result', """
        offload(fn, *args) MUST call fn with exactly those positional
        arguments and return what fn returns, in every mode.""",
         source='eventlet tpool.execute(fn, *args) returns the result'),
    must('threading_model.offload.original_exception', """
        offload(fn, *args) MUST raise in its caller the very exception
        object fn raised.""",
         source='eventlet tpool.execute re-raises the exception of fn'),
    must('threading_model.offload.usable_after_error', """
        offload MUST keep working after an offloaded call raised.""",
         source='a native worker lost to an exception stalls later calls'),
    must('threading_model.offload.no_stall', """
        Under eventlet, a call that blocks in C, offloaded, MUST let the
        other green threads run while it blocks.""",
         source='seed nova-threading-model.txt: a MySQL query blocks the '
         'whole process; notes/library-semantics.md: tpool.execute keeps '
         'the hub running'),
    must('threading_model.offload.concurrent', """
        Calls offloaded at the same time by two threads MUST be able to run
        at the same time: offload MUST NOT serialise them.""",
         source='eventlet tpool runs offloaded calls on a pool of native '
         'threads (20 by default); two offloaded database calls may wait '
         'for each other'),

    # -- audits on a shared model -------------------------------------------
    must('threading_model.audits.consistent_model', """
        An audit MUST see the same model from start to end while changes
        are applied and the shared model is rebuilt.""",
         source=_COLLECTOR + ': each audit gets its own deep copy'),
    must('threading_model.audits.complete_model', """
        The model an audit gets MUST be complete: every node, instance and
        mapping of the scope, never a model half built.""",
         source=_COLLECTOR),
    must('threading_model.audits.first_build_once', """
        Audits reaching at once for a shared model not built yet MUST cause
        exactly one build.""",
         source=_COLLECTOR + ': the first build runs under the collector '
         'lock'),
    must('threading_model.audits.change_during_rebuild', """
        A change notified while the shared model is being rebuilt MUST be
        applied to the new model, not lost with the old one.""",
         source='Watcher bug #2152254 (commit 4073c4ba): notifications '
         'take the sync lock a rebuild holds'),
    must('threading_model.audits.change_before_first_build', """
        A change notified before the shared model was ever built MUST be in
        the first model, and notify() MUST NOT fail because there is no
        model yet.""",
         source='a notification reports what Nova already holds: the first '
         'build may read it from Nova; upstream builds the model to apply '
         'it'),
    must('threading_model.audits.change_during_first_build', """
        A change notified while the first build runs, after that build read
        the instance from Nova, MUST be in the shared model once the build
        and notify() have returned.""",
         source='the first build is a build like a rebuild: a change that '
         'finds no model yet and is dropped is lost'),
    must('threading_model.audits.parallel', """
        Audits MUST run at the same time, as many as the executor has
        workers.""",
         source="the Watcher concurrency guide's first threadpool; "
         'upstream [watcher_decision_engine] max_audit_workers'),
    must('threading_model.audits.worker_bound', """
        The executor MUST NOT run more audits at once than it has workers;
        the others MUST wait in its queue, and every one MUST run.""",
         source='upstream runs audits on a futurist pool of '
         'max_audit_workers'),
    must('threading_model.audits.latest_model_at_start', """
        A queued audit MUST get the model as it is when the audit starts,
        with the changes notified while it waited, not the model of the
        moment it was submitted.""",
         source=_COLLECTOR + ', in the audit worker, when the strategy '
         'runs'),
    must('threading_model.audits.error_reaches_submitter', """
        An exception raised by an audit MUST reach its submitter through
        the audit's future, as the very exception object.""",
         source='a futurist future carries the exception of its task'),
    must('threading_model.audits.error_keeps_executor', """
        After audits raised, the executor MUST still run as many audits at
        once as it has workers, each on a complete model.""",
         source='an audit worker lost to an exception shrinks the pool for '
         'good'),
    must('threading_model.audits.failed_rebuild_keeps_model', """
        A rebuild that fails (the build raises, or comes back incomplete)
        MUST leave the previous model, with the changes notified to it, to
        the audits that follow.""",
         source='contract gap decided here; upstream Watcher 17 replaces '
         'the model with an empty STALE one instead (a finding)'),
    must('threading_model.audits.rebuild_after_failure', """
        After a failed rebuild, the next rebuild that succeeds MUST replace
        the model with what Nova holds then.""",
         source='the collector\'s periodic synchronize() recovers'),
    must('threading_model.audits.reset_does_not_wait', """
        The provider's reset() MUST return without waiting for an audit
        that is stuck.""",
         source='the contract\'s Provider: a reset that waits for stuck '
         'work blocks the test worker and every test after it'),
    must('threading_model.audits.no_wait_for_rebuild', """
        An audit started while a rebuild runs MUST NOT wait for the
        rebuild: it MUST run at once on the current complete model.""",
         source=_COLLECTOR + ': the rebuild holds sync_lock, audits only '
         'take lock, for the copy'),
]
