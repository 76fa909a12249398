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

"""Upstream's ``NovaModelBuilder`` and compute collector, behind the
simulated Nova.

Upstream's ``NovaHelper`` and ``PlacementHelper`` are replaced by thin
adapters of the simulated Nova that turn its records into upstream's own
dataclasses and its errors into upstream's exceptions (NotFound becomes
``ComputeResourceNotFound``, any other ``NovaClientError``; Placement's
``get_inventories`` returns None on any error), as upstream's helpers do
for openstacksdk. Which simulated cloud a helper serves is set per thread
around each build, because upstream makes its helpers inside the build.

``[collector] api_query_max_retries`` is 1 and ``api_query_interval`` 0,
so that a persistent fault is not retried ten times a second apart; the
timeouts are the suite's. Upstream neither raises on every fault nor marks
its model incomplete; ``raise`` is declared, the nearest of the contract's
policies, and the checks say where it does neither.

``collector()`` (feature ``model_builder.shared_model``) is upstream's
``NovaClusterDataModelCollector``, a fresh one each time (upstream keeps a
process-wide singleton), with the scope set through its
``get_audit_scope_handler``, as a strategy's audit does. Its timeout,
``[collector] compute_resources_collector_timeout``, is the suite's but at
least 30 s, the option's minimum.
"""

import collections.abc
import contextlib
import dataclasses
import threading
from unittest import mock

from watcher.common import exception
from watcher.common import nova_helper
from watcher.common import placement_helper
from watcher.common import utils as watcher_utils
from watcher import conf as watcher_conf
from watcher.decision_engine.model.collector import nova

from watcher_conformance.adapters.watcher17 import threadpool
from watcher_conformance import datamodel
from watcher_conformance import nova as simulated

CONF = watcher_conf.CONF
MIN_COLLECTOR_TIMEOUT = 30
_serving = threading.local()  # .nova, .placement: the simulated APIs


@contextlib.contextmanager
def serve(nova_api, placement_api):
    """Helpers made in this thread serve these simulated APIs."""
    before = getattr(_serving, 'apis', None)
    _serving.apis = (nova_api, placement_api)
    try:
        yield
    finally:
        _serving.apis = before


def _apis():
    apis = getattr(_serving, 'apis', None)
    if apis is None:
        raise RuntimeError('an upstream helper was made outside a build')
    return apis


def _plain(value):
    """Read-only mappings of the simulated cloud as the dicts openstacksdk
    gives (upstream deep-copies its model, and mappingproxy cannot be)."""
    if isinstance(value, collections.abc.Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _upstream(record, cls):
    """*record* (a simulated Nova record) as upstream's dataclass *cls*."""
    return cls(**{f.name: _plain(getattr(record, f.name))
                  for f in dataclasses.fields(cls)
                  if hasattr(record, f.name)})


def _translated(call):
    """Simulated Nova errors as upstream's helpers raise them."""
    def wrapper(*args, **kwargs):
        try:
            return call(*args, **kwargs)
        except simulated.NotFound as exc:
            raise exception.ComputeResourceNotFound(str(exc)) from exc
        except simulated.NovaError as exc:
            raise exception.NovaClientError(reason=str(exc)) from exc
    return wrapper


class _Servers(collections.abc.Sequence):
    """Servers converted as the caller takes them, so that the simulator's
    read counter follows upstream's own loop over them (the check of a
    long loop's yielding), not a conversion loop of the adapter's."""

    def __init__(self, records):
        self._records = records

    def __len__(self):
        return len(self._records)

    def __getitem__(self, index):
        return _upstream(self._records[index], nova_helper.Server)

    def __iter__(self):
        return (_upstream(s, nova_helper.Server) for s in self._records)


class _NovaHelper:
    """Upstream's NovaHelper calls the builder makes, on the simulator."""

    def __init__(self, *args, **kwargs):
        self.api = _apis()[0]

    def get_aggregate_list(self):
        return [_upstream(a, nova_helper.Aggregate) for a in
                _translated(self.api.get_aggregate_list)()]

    def get_service_list(self):
        return [_upstream(s, nova_helper.Service) for s in
                _translated(self.api.get_service_list)()]

    def get_compute_node_list(self, filter_ironic_nodes=True):
        return [_upstream(h, nova_helper.Hypervisor) for h in
                _translated(self.api.get_compute_node_list)(
                    filter_ironic_nodes)]

    def get_compute_node_by_name(self, node_name, servers=False,
                                 detailed=False):
        hypervisors = _translated(self.api.get_compute_node_by_name)(
            node_name, servers=servers, detailed=detailed)
        return [dataclasses.replace(_upstream(h, nova_helper.Hypervisor),
                                    servers=list(h.servers))
                for h in hypervisors]

    def get_instance_list(self, filters=None, marker=None, limit=-1):
        return _Servers(_translated(self.api.get_instance_list)(
            filters, marker, limit))

    def is_pinned_az_available(self):
        return False


class _PlacementHelper:
    def __init__(self, *args, **kwargs):
        self.api = _apis()[1]

    def get_inventories(self, rp_uuid):
        try:
            inventories = self.api.get_inventories(rp_uuid)
        except simulated.NovaError:
            return None  # upstream: None on any SDKException
        return {rc: _upstream(i, placement_helper.Inventory)
                for rc, i in inventories.items()}


class Collector:
    """Upstream's collector; its builds served by the simulated APIs."""

    def __init__(self, upstream, apis):
        self.upstream = upstream
        self.apis = apis

    def get_latest_cluster_data_model(self):
        with serve(*self.apis):
            return self.upstream.get_latest_cluster_data_model()


class Builder:
    """Upstream's NovaModelBuilder, one per build (as its collector does)."""

    def build(self, nova_api, placement_api, scope=datamodel.Scope(),
              timeout=600):
        with serve(nova_api, placement_api):
            builder = nova.NovaModelBuilder()
        builder.collector_timeout = timeout
        return builder.execute(scope.audit_scope())

    def collector(self, nova_api, placement_api, scope=datamodel.Scope(),
                  timeout=600, wrapper=Collector):
        """Upstream's collector of *scope*, wrapped in *wrapper* (a
        :class:`Collector` or a subclass)."""
        # Upstream refuses less than 30 s here (the option's minimum).
        CONF.set_override('compute_resources_collector_timeout',
                          max(MIN_COLLECTOR_TIMEOUT, int(timeout)),
                          group='collector')
        cls = nova.NovaClusterDataModelCollector
        type(cls)._instances.pop(cls, None)
        with serve(nova_api, placement_api):
            upstream = cls(config=watcher_utils.Struct(period=3600),
                           osc=mock.sentinel.osc)
            upstream.get_audit_scope_handler(scope.audit_scope())
        return wrapper(upstream, (nova_api, placement_api))

    @staticmethod
    def view(model):
        nodes = model.get_all_compute_nodes()
        instances = model.get_all_instances()
        node_fields = datamodel.NODE_ATTRIBUTES
        instance_fields = datamodel.INSTANCE_ATTRIBUTES
        mapping = []
        for uuid in instances:
            try:
                mapping.append((uuid, model.get_node_by_instance_uuid(
                    uuid).uuid))
            except exception.WatcherException:
                pass  # not mapped: the suite reports it
        return datamodel.ModelView(
            nodes=tuple({f: getattr(n, f, None) for f in node_fields}
                        for n in nodes.values()),
            instances=tuple({f: getattr(i, f, None) for f in instance_fields}
                            for i in instances.values()),
            mapping=tuple(mapping))


class BuilderProvider(threadpool.ThreadPoolProvider):
    """Upstream's builder, on upstream's pool of the suite's size."""

    _OVERRIDES = {'api_query_max_retries': 1, 'api_query_interval': 0}

    def __init__(self, settings):
        super().__init__(settings)
        for name, value in self._OVERRIDES.items():
            CONF.set_override(name, value, group='collector')
        self._patches = [mock.patch.object(nova_helper, 'NovaHelper',
                                           _NovaHelper),
                         mock.patch.object(placement_helper,
                                           'PlacementHelper',
                                           _PlacementHelper)]
        for patch in self._patches:
            patch.start()

    def get(self):
        return Builder()

    def reset(self):
        for patch in reversed(self._patches):
            patch.stop()
        cls = nova.NovaClusterDataModelCollector
        type(cls)._instances.pop(cls, None)
        super().reset()
        for name in list(self._OVERRIDES) + [
                'compute_resources_collector_timeout']:
            CONF.clear_override(name, group='collector')
