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

"""The decision engine's audit executor: audits in a pool, one shared model.

Upstream runs one audit at a time "due to the data model used by audits
being a singleton". Here audits run in parallel: each gets its own copy of
the shared model, taken under the model's lock, so no audit sees another's
changes, a Nova notification, or a rebuild half done.

The shared model has two locks, as upstream's collector does since bug
#2152254: ``lock`` guards the model itself (first build, swap, copies) and
``sync_lock`` spans a whole rebuild. A notification takes ``sync_lock``
first, so it waits for a rebuild in progress and lands on the new model
instead of the one being replaced.
"""

import threading

from reference import collector
from reference import executor


class SharedModel(collector.Collector):
    """The compute model all audits read, built on first access."""

    def __init__(self, builder, nova, placement, scope, timeout):
        super().__init__(builder, nova, placement, scope, timeout)
        self._sync_lock = threading.RLock()

    def synchronize(self):
        """Rebuild from Nova and replace the model; audits keep reading the
        old one until the swap."""
        with self._sync_lock:
            model = self._build()
            with self._lock:
                self._model = model

    def notify(self, change):
        """Apply an :class:`~watcher_conformance.datamodel.
        InstanceStateChange` to the model (a model not built yet will read
        the change from Nova)."""
        with self._sync_lock, self._lock:
            if self._model is not None:
                self._model.set_instance_state(change.instance_uuid,
                                               change.state)


class AuditExecutor:
    """Runs audits, ``max_workers`` at once, on shared models built by
    *builder* (a :class:`~reference.builder.NovaModelBuilder`)."""

    def __init__(self, builder, max_workers):
        self.builder = builder
        self.pool = executor.make(max_workers)

    def shared_model(self, nova, placement, scope, timeout):
        return SharedModel(self.builder, nova, placement, scope, timeout)

    def submit_audit(self, shared, fn):
        """Run ``fn(model)`` in the audit pool, *model* being the audit's
        own copy of *shared*'s model."""
        return self.pool.submit(
            lambda: fn(shared.get_latest_cluster_data_model()))

    def view(self, model):
        return self.builder.view(model)

    def close(self):
        self.pool.shutdown(wait=False)
