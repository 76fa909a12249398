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

"""The conductor's contract: operations on resources, in order, in a pool.

A ``conductor`` piece (the Magnum seed's conductor) is built with
``Settings.database_url`` (where operation states go),
``Settings.coordination_url`` (a tooz backend: per-resource exclusion
across processes and hosts) and ``Settings.member`` (its name: a
restarted conductor has the same). Its methods:

``serve(operations)``
    The operations it runs: name -> ``fn(resource, params)``. Called
    before anything else, in every process (:mod:`.operations` supplies
    the suite's).
``submit(resource, operation, params, blocking=False)``
    Hand over an operation. Operations on one resource run one at a time,
    in the order they were submitted to this conductor, and never at the
    same time as another conductor's sharing the coordination backend;
    operations on different resources run in parallel on a pool of
    ``max_workers``. When the pool is exhausted and the resource has
    nothing unfinished, the operation runs in the caller (the seed's rate
    limit), which ``statistics()['exhausted']`` counts; otherwise it is
    queued behind the resource's. Returns a future, or, with *blocking*,
    the operation's result once it ran (an operation of the blocking class,
    such as a container's logs), or raises its exception.
``states()``
    ``[(operation id, resource, operation, tag, state)]`` of every
    conductor, in submission order, read from the database: QUEUED when
    handed over, RUNNING when a thread runs it, WAITING from an attempt
    that raised NotReady to the next, DONE or FAILED (stored before the
    future resolves).
``recover(member)``
    After *member* died: every operation it had not finished is run (if it
    was QUEUED or WAITING) or FAILED (if it was running: it may have done
    part of its work), none lost, none run twice; returns the futures of
    those it runs.
``close()``
    Stop; operations still queued stay QUEUED in the database and do not
    run; ``submit`` then raises RuntimeError.

An operation that raises :class:`NotReady` is retried after a delay, up to
a maximum number of attempts (then FAILED), without holding a worker while
it waits: other work goes on; a retry due while the pool is exhausted
waits for a worker. ``doc/source/contract.rst`` has the details.
"""

QUEUED = 'QUEUED'
RUNNING = 'RUNNING'
WAITING = 'WAITING'
DONE = 'DONE'
FAILED = 'FAILED'
FINISHED = frozenset({DONE, FAILED})


class NotReady(Exception):
    """The resource is not ready for this operation yet: retry later."""
