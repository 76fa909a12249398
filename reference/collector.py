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

"""One compute model shared by every audit, built on first access.

Upstream's ``BaseClusterDataModelCollector`` pattern: the first caller of
:meth:`Collector.get_latest_cluster_data_model` builds the model under a
lock; every caller gets its own copy, so no audit sees another's changes.
"""

import threading


class Collector:
    """:param builder: a :class:`~reference.builder.NovaModelBuilder`; the
    other parameters are those of its ``build``."""

    def __init__(self, builder, nova, placement, scope, timeout):
        self._build = lambda: builder.build(nova, placement, scope, timeout)
        self._lock = threading.RLock()
        self._model = None

    def get_latest_cluster_data_model(self):
        """A copy of the shared model, built if there is none yet (a failed
        build leaves none: the next caller tries again)."""
        with self._lock:
            if self._model is None:
                self._model = self._build()
            return self._model.copy()
