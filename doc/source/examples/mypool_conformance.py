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

"""watcher-conformance adapter for MyPool (the user guide's example)."""

import mypool
from watcher_conformance import contract


def _forget_pool():
    """Drop the process-wide pool; stop it without waiting for its tasks."""
    with mypool.MyPool._lock:
        old, mypool.MyPool._instance = mypool.MyPool._instance, None
    if old is not None:
        old.shutdown(wait=False)


class ThreadPoolProvider(contract.Provider):
    """MyPool with the suite's worker count, fresh for each test."""

    def __init__(self, settings):
        # The size is read when the instance is created: set it, then drop
        # any instance an earlier test left.
        self._saved = mypool.MyPool.workers
        mypool.MyPool.workers = settings.max_workers
        _forget_pool()

    def get(self):
        return mypool.MyPool.instance()  # the same instance until reset()

    def reset(self):
        _forget_pool()
        mypool.MyPool.workers = self._saved


IMPLEMENTATION = contract.Implementation(
    name='mypool',
    version='1.0',
    modes={'threading', 'eventlet'},
    pieces={'threadpool': ThreadPoolProvider},
    # Claim only what the code keeps: it has no wait_for_all,
    # wait_for_any or statistics, and its shutdown() is futurist's, which
    # deadlocks when a task submits while shutdown(wait=True) waits.
    features={'threadpool.futures_timeout'},
    description='the user guide\'s example pool',
)
