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

"""The obligations of the conductor area: see
:mod:`watcher_conformance.obligations`.

Upstream Watcher 17 has no conductor piece: every obligation here comes
from the Magnum seed (the async container operations design and its
review) and from what the contract decides where the seed is silent.
"""

from watcher_conformance import obligations

must = obligations.must

#: Where the facts come from (``/work/shared/seeds``).
SEED = 'seed: magnum-async-container-operations-mail'
ORDER = SEED + ' (point 4: "a race around condition for create followed ' \
    'by start/delete of a container")'
POOL = SEED + ' (point 1: "a pool of threads ... The size of the ' \
    'executor_threadpool will be configurable")'
RATE = SEED + ' (point 2: "If the executor_threadpool is empty, Mcon will ' \
    'execute in a manner it does today, i.e. synchronously - this will be ' \
    'the rate-limiting mechanism")'
BLOCKING = SEED + ' (point 3: "operations, which can not be made async, ' \
    'as they are supposed to return result/content inline")'
RETRY = SEED + ' (review: "re-queue the call to retry after a minimum ' \
    'delay ... or terminated after a maximum number of attempts ... This ' \
    'would allow other work to proceed while the retry waits in the queue")'
STATES = SEED + ' (point 5: "The hand-off between Mcon and a thread ... ' \
    'reflected through new states ... helpful to recover/audit, in case of ' \
    'Mcon restart")'
HOSTS = SEED + ' (review: "there may be multiple copies of ' \
    'magnum-conductor running on separate hosts")'
FUTURES = 'concurrent.futures semantics: a future carries the callable\'s ' \
    'own value or exception'
CONTRACT = 'contract.rst, the conductor piece'

OBLIGATIONS = [
    # -- per-resource order ------------------------------------------------
    must('conductor.order.submission', """
        Operations submitted to one conductor on one resource MUST start in
        the order they were submitted.""",
         source=ORDER),
    must('conductor.order.exclusive', """
        An operation MUST NOT start on a resource while an operation
        submitted before it on that resource is still running.""",
         source=ORDER + ': "we will block till the thread completes the '
         'execution"'),
    must('conductor.order.waiting_holds', """
        An operation MUST NOT start while an operation submitted before it
        on its resource is WAITING for a retry: the retry keeps its place
        at the head of the resource.""",
         source=RETRY + '; a create retried after the start behind it ran '
         'is the race point 4 prevents'),
    must('conductor.order.after_failure', """
        When an operation fails (raises, or gives up not being ready), the
        operations queued behind it on its resource MUST still run, in
        order.""",
         source=CONTRACT + ': each operation has its own outcome; a failed '
         'create must not strand the delete queued behind it'),

    # -- parallelism and the pool ------------------------------------------
    must('conductor.parallel.resources', """
        Operations on different resources MUST run at the same time, W of
        them on the W workers of the pool.""",
         source=POOL),
    must('conductor.parallel.no_head_of_line', """
        An operation held up on one resource MUST NOT delay the operations
        of other resources, even those submitted after it: they run and
        finish meanwhile.""",
         source=POOL + '; only operations on one resource wait for each '
         'other'),
    must('conductor.pool.on_worker', """
        With a worker free, a non-blocking submit MUST hand the operation to
        a worker and return, without running it in the calling thread.""",
         source=SEED + ' (point 2: "Mcon will return from the RPC request '
         'context much faster")'),
    must('conductor.pool.bound', """
        Outside the threads that called submit, a conductor MUST NOT run
        more than W operations at once: a retry that falls due while the
        pool is exhausted MUST wait for a worker.""",
         source=RETRY + ': a retry is re-queued, it goes back to the pool; '
         'running it in a timer thread is an unbounded pool'),

    # -- the pool exhausted (caller-runs) ----------------------------------
    must('conductor.exhausted.caller_runs', """
        When every worker is running an operation, submit of an operation on
        a resource with nothing unfinished MUST run it (its first attempt)
        in the calling thread before returning.""",
         source=RATE),
    must('conductor.exhausted.counted', """
        statistics()['exhausted'] MUST grow by one for each operation run
        in the caller because the pool was exhausted.""",
         source=SEED + ' (point 2: "How often we are hitting this scenario, '
         'may be indicative to the operator")'),
    must('conductor.exhausted.not_counted_otherwise', """
        statistics()['exhausted'] MUST NOT grow for an operation handed to
        a free worker or queued behind its resource.""",
         source=SEED + ' (point 2): the count tells the operator how often '
         'the pool was too small, nothing else'),
    must('conductor.exhausted.busy_resource_queues', """
        When the pool is exhausted, submit of an operation on a resource
        with unfinished operations MUST queue it behind them and return,
        without running it or waiting for the resource.""",
         source=RATE + '; ' + ORDER + ': running it in the caller would run '
         'it out of order or make the caller wait for the resource (the '
         'seed\'s point 4 blocks the caller; point 2 returns at once)'),

    # -- futures -----------------------------------------------------------
    must('conductor.submit.result', """
        The future of an operation MUST carry the value the operation
        returned.""",
         source=FUTURES),
    must('conductor.submit.error', """
        The future of an operation that raised MUST raise the operation's
        own exception (its type and arguments), not a wrapper.""",
         source=FUTURES),

    # -- the blocking class ------------------------------------------------
    must('conductor.blocking.result', """
        submit(..., blocking=True) MUST return the operation's result
        itself.""",
         source=BLOCKING),
    must('conductor.blocking.after_queued', """
        A blocking-class operation MUST run after the operations submitted
        before it on its resource, and its submit MUST NOT return before
        they ended.""",
         source=BLOCKING + '; ' + ORDER),
    must('conductor.blocking.error', """
        A blocking-class operation that raises MUST make submit raise the
        operation's own exception, as its future would.""",
         source=BLOCKING + '; ' + FUTURES),
    must('conductor.blocking.retried', """
        A blocking-class operation raising NotReady MUST be retried like
        any other, submit returning its result once the resource is
        ready.""",
         source=BLOCKING + '; ' + RETRY),

    # -- NotReady and retries ----------------------------------------------
    must('conductor.retry.attempted_again', """
        An operation raising NotReady MUST be attempted again, not failed at
        once.""",
         source=RETRY),
    must('conductor.retry.no_worker_held', """
        While an operation waits for its retry it MUST NOT hold a worker:
        other resources' operations run in the pool meanwhile.""",
         source=RETRY),
    must('conductor.retry.runs_when_ready', """
        A waiting operation MUST run to completion once its resource is
        ready.""",
         source=RETRY + ': "so that it proceeds only when the ready state '
         'is reached"'),
    must('conductor.retry.gives_up', """
        An operation whose resource never gets ready MUST end FAILED after
        a bounded number of attempts, within wait_timeout, its future
        raising NotReady.""",
         source=RETRY + ': "terminated after a maximum number of '
         'attempts"'),

    # -- states in the database --------------------------------------------
    must('conductor.states.queued', """
        From the moment submit returns until a thread starts it, an
        operation MUST be recorded QUEUED.""",
         source=STATES),
    must('conductor.states.running', """
        An operation MUST be recorded RUNNING while its body runs.""",
         source=STATES),
    must('conductor.states.waiting', """
        An operation MUST be recorded WAITING from the attempt that raised
        NotReady until its next attempt starts.""",
         source=STATES + '; ' + RETRY),
    must('conductor.states.done', """
        An operation that returned MUST be recorded DONE.""",
         source=STATES),
    must('conductor.states.failed', """
        An operation that raised, or gave up not being ready, MUST be
        recorded FAILED.""",
         source=STATES),
    must('conductor.states.stored_before_reported', """
        An operation's future MUST NOT resolve before states() reads the
        operation's final state (DONE or FAILED).""",
         source=STATES + ': whoever is told an operation ended and then '
         'audits the database must find it ended'),
    must('conductor.states.order', """
        states() MUST list the operations of a conductor in the order they
        were submitted.""",
         source=CONTRACT),
    must('conductor.states.every_member', """
        states() MUST list the operations of every conductor sharing the
        database, not only its own.""",
         source=STATES + ': the states are read to recover another '
         'conductor; they are the database\'s, not the process\'s'),

    # -- recovery ----------------------------------------------------------
    must('conductor.recover.reruns_queued', """
        recover(member) MUST run once every operation the dead member had
        QUEUED.""",
         source=STATES),
    must('conductor.recover.reruns_waiting', """
        recover(member) MUST run again an operation the dead member had
        WAITING for a retry: its attempts did none of its work.""",
         source=STATES + '; ' + RETRY),
    must('conductor.recover.fails_running', """
        recover(member) MUST record FAILED, and MUST NOT run again, every
        operation the dead member was running: it may have done part of its
        work.""",
         source=STATES),
    must('conductor.recover.keeps_finished', """
        recover(member) MUST NOT run again, nor change the state of, an
        operation the dead member had finished.""",
         source=STATES),
    must('conductor.recover.order', """
        recover(member) MUST run the operations it takes over in their
        submission order on each resource.""",
         source=ORDER),
    must('conductor.recover.futures', """
        recover(member) MUST return one future per operation it runs again,
        each carrying that operation's result.""",
         source=CONTRACT),
    must('conductor.recover.nothing_left', """
        recover(member) of a member that left nothing unfinished MUST
        return no futures.""",
         source=CONTRACT + ': the boundary of recovery, zero operations'),

    # -- close -------------------------------------------------------------
    must('conductor.close.queued_not_run', """
        Operations still queued when close() is called MUST NOT run
        afterwards, and MUST stay QUEUED in the database.""",
         source=STATES + ': they are left for a restarted conductor\'s '
         'recover(); running them too would run them twice'),
    must('conductor.close.no_result', """
        The future of an operation still queued at close() MUST NOT resolve
        with a result.""",
         source=CONTRACT + ': the operation did not run'),
    must('conductor.close.submit_refused', """
        submit after close() MUST raise RuntimeError and MUST NOT record the
        operation in the database.""",
         source='futurist and concurrent.futures: submit after shutdown '
         'raises RuntimeError; a refused operation that a later recover() '
         'runs was reported as not accepted'),
    must('conductor.close.restart', """
        A conductor started again with the same member name MUST run once,
        through recover(member), each operation the closed one left
        queued.""",
         source=STATES + '; ' + CONTRACT + ': "a restarted one has the '
         'same" member name'),

    # -- several conductors ------------------------------------------------
    must('conductor.processes.exclusive', """
        Conductors sharing a coordination backend MUST never run operations
        on one resource at the same time.""",
         source=HOSTS),
    must('conductor.processes.own_order', """
        Under contention from another conductor, a conductor's own
        operations on a resource MUST still start in its submission
        order.""",
         source=ORDER + '; ' + HOSTS),
]
