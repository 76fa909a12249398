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

"""One shared compute model, published as immutable snapshots.

Readers never lock the model: ``get_latest_cluster_data_model()`` hands
out the snapshot published last, and a snapshot never changes (see
:mod:`.model`). A change (:meth:`SharedModel.notify`) publishes a new
snapshot that shares everything it does not touch; a rebuild
(:meth:`SharedModel.synchronize`) publishes the model it built. A reader
keeps the snapshot it got for as long as it likes, whatever is published
after.

Builds are serialised by one lock, which is also what makes the first
access build once: the first reader to find no snapshot builds one while
the others wait for the lock, then find the snapshot. While a build runs,
every change is applied to the current snapshot (if any) *and* kept in a
journal that is replayed onto the fresh model before it is published, under
the same condition as :meth:`notify`: a change lands on the new model or
after it, never on a model that is being replaced.

A rebuild that comes back incomplete does not replace a complete snapshot:
it raises :class:`IncompleteRebuild` and the last complete model stays.
"""

import threading

from tests.independent.compute import model as model_


class IncompleteRebuild(Exception):
    """A rebuild missed part of the cloud; the old model was kept."""


class SharedModel:
    """The shared model of *scope*, built by *builder* on first access."""

    def __init__(self, builder, nova, placement, scope, timeout=None):
        self._build = lambda: builder.build(nova, placement, scope, timeout)
        self._cond = threading.Condition(threading.Lock())
        self._building = threading.Lock()
        self._snapshot = None
        self._journal = None  # the changes seen while a build runs
        #: How many builds this shared model ran.
        self.builds = 0

    def get_latest_cluster_data_model(self):
        """The latest snapshot, built first if there is none yet."""
        snapshot = self._snapshot
        if snapshot is None:
            self._refresh(only_if_missing=True)
            snapshot = self._snapshot
        return snapshot

    def synchronize(self):
        """Rebuild from Nova and publish the new model."""
        self._refresh(only_if_missing=False)
        return self._snapshot

    def notify(self, change):
        """Apply an InstanceStateChange to the shared model."""
        with self._cond:
            if self._snapshot is not None:
                self._snapshot = model_.with_change(self._snapshot, change)
            if self._journal is not None:
                self._journal.append(change)

    def _refresh(self, only_if_missing):
        with self._building:
            if only_if_missing and self._snapshot is not None:
                return
            with self._cond:
                self._journal = []
            try:
                self.builds += 1
                fresh = self._build()
            except Exception:
                with self._cond:
                    self._journal = None
                raise
            with self._cond:
                journal, self._journal = self._journal, None
                self._publish(fresh, journal)

    def _publish(self, fresh, journal):
        # Called with the condition held.
        for change in journal:
            fresh = model_.with_change(fresh, change)
        old = self._snapshot
        if old is not None and old['complete'] and not fresh['complete']:
            raise IncompleteRebuild('rebuild incomplete, kept the last '
                                    'complete model: %s'
                                    % '; '.join(fresh['problems']))
        self._snapshot = fresh
