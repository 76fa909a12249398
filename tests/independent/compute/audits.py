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

"""The audit executor: audits on a crew of their own, over snapshots.

Each audit runs on one of *workers* audit workers (a :class:`.crew.Crew`,
separate from the builder's fetchers, so an audit that triggers the first
build never waits for a worker it holds itself). The audit takes the shared
model's latest snapshot when it starts and gets that snapshot, immutable,
for its whole run: consistency comes from copy on write, not from a lock
held while audits read (see :mod:`.shared`).
"""

from tests.independent.compute import builder as builder_
from tests.independent.compute import crew as crew_
from tests.independent.compute import model as model_
from tests.independent.compute import shared


class AuditExecutor:
    """``shared_model``, ``submit_audit`` and ``view``."""

    def __init__(self, workers, green):
        self._auditors = crew_.Crew(workers, green, name='audit')
        self._builder = builder_.Builder(workers, green)

    def shared_model(self, nova, placement, scope, timeout=None):
        return shared.SharedModel(self._builder, nova, placement, scope,
                                  timeout)

    def submit_audit(self, shared_model, fn):
        """Run ``fn(snapshot)`` on an audit worker; its future."""
        return self._auditors.submit(_audit, shared_model, fn)

    @staticmethod
    def view(model):
        return model_.view(model)

    def close(self):
        self._auditors.stop()
        self._builder.close()


def _audit(shared_model, fn):
    return fn(shared_model.get_latest_cluster_data_model())
