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

"""Cross-process exclusion per resource: one tooz lock per resource.

The lock is held only while an operation body runs (never while it waits
in the queue or for a retry), so conductors sharing the coordination
backend never run one resource at the same time. Without a coordination
URL there is no cross-process exclusion, only the in-process scheduling.
"""

import contextlib
import hashlib
import logging

from tooz import coordination

LOG = logging.getLogger(__name__)


def lock_name(resource):
    """A backend-safe name (the file driver makes names into paths)."""
    digest = hashlib.sha1(str(resource).encode('utf-8'),
                          usedforsecurity=False).hexdigest()
    return ('conductor-resource-' + digest).encode('ascii')


class ResourceLocks:
    """A tooz coordinator for *url*, joined as *member*."""

    def __init__(self, url, member):
        self._coordinator = None
        if url:
            self._coordinator = coordination.get_coordinator(
                url, str(member).encode('utf-8'))
            # The heart refreshes locks that expire (redis).
            self._coordinator.start(start_heart=True)

    @contextlib.contextmanager
    def hold(self, resource):
        """Hold *resource*'s lock for the body of the with-block."""
        if self._coordinator is None:
            yield
            return
        lock = self._coordinator.get_lock(lock_name(resource))
        lock.acquire(blocking=True)
        try:
            yield
        finally:
            try:
                lock.release()
            except Exception:
                LOG.warning('could not release the lock of %s', resource,
                            exc_info=True)

    def stop(self):
        coordinator, self._coordinator = self._coordinator, None
        if coordinator is not None:
            try:
                coordinator.stop()
            except Exception:
                LOG.warning('could not stop the coordinator', exc_info=True)
