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

"""Upstream's audit side: audits in the decision engine's audit pool, each
reading a copy of the compute collector's shared model.

* ``shared_model`` is upstream's ``NovaClusterDataModelCollector`` (see
  :mod:`.builder`): ``get_latest_cluster_data_model()`` builds on first
  access under its ``lock`` and hands out deep copies; ``synchronize()``
  rebuilds under its ``sync_lock``; ``notify(change)`` hands Nova's
  ``instance.update`` notification (payload version 1.1, written from the
  simulated cloud's record of the server, with the new state) to
  upstream's ``VersionedNotification`` endpoint, through its oslo.messaging
  entry point ``info()``.
* ``submit_audit`` submits to the executor of upstream's ``AuditEndpoint``
  (``[watcher_decision_engine] max_audit_workers``, set to the suite's
  worker count); the audit reads ``get_latest_cluster_data_model()``, as a
  strategy's ``compute_model`` does.
"""

from watcher import conf as watcher_conf
from watcher.decision_engine.messaging import audit_endpoint
from watcher.decision_engine.model.notification import nova as notification

from watcher_conformance.adapters.watcher17 import builder

CONF = watcher_conf.CONF


def instance_update(server, state):
    """Nova's ``instance.update`` payload for *server* now in *state*."""
    flavor = server.flavor
    return {'nova_object.version': '1.1', 'nova_object.data': {
        'uuid': server.uuid, 'state': state, 'host': server.host,
        'node': server.hypervisor_hostname, 'host_name': server.name,
        'display_name': server.name, 'tenant_id': server.tenant_id,
        'created_at': server.created, 'locked': server.locked,
        'metadata': dict(server.metadata),
        'image_uuid': server.image['id'] if server.image else None,
        'flavor': {'nova_object.data': {
            'memory_mb': flavor['ram'], 'vcpus': flavor['vcpus'],
            'root_gb': flavor['disk'], 'ephemeral_gb': flavor['ephemeral'],
            'swap': flavor['swap']}}}}


class SharedModel(builder.Collector):
    """Upstream's collector, synchronised and notified as its services do."""

    def __init__(self, upstream, apis):
        super().__init__(upstream, apis)
        self.endpoint = notification.VersionedNotification(upstream)

    def synchronize(self):
        with builder.serve(*self.apis):
            self.upstream.synchronize()

    def notify(self, change):
        nova_api = self.apis[0]
        server = nova_api.cloud.find_server(change.instance_uuid)
        if server is None:
            raise LookupError('no server %s in the simulated cloud'
                              % change.instance_uuid)
        with builder.serve(*self.apis):
            self.endpoint.info({}, 'nova-compute:%s' % server.host,
                               'instance.update',
                               instance_update(server, change.state), {})


class AuditExecutor:
    """The contract's audit executor, on upstream's audit endpoint."""

    def __init__(self):
        self.endpoint = audit_endpoint.AuditEndpoint(None)
        self.builder = builder.Builder()

    def shared_model(self, nova_api, placement_api, scope, timeout):
        return self.builder.collector(nova_api, placement_api, scope,
                                      timeout, wrapper=SharedModel)

    def submit_audit(self, shared, fn):
        return self.endpoint.executor.submit(
            lambda: fn(shared.get_latest_cluster_data_model()))

    def view(self, model):
        return self.builder.view(model)


class AuditProvider(builder.BuilderProvider):
    """Upstream's audit pool, of the suite's size, and its collector."""

    def __init__(self, settings):
        super().__init__(settings)
        CONF.set_override('max_audit_workers', settings.max_workers,
                          group='watcher_decision_engine')
        self.executor = AuditExecutor()

    def get(self):
        return self.executor

    def reset(self):
        self.executor.endpoint.executor.shutdown(wait=False)
        CONF.clear_override('max_audit_workers',
                            group='watcher_decision_engine')
        super().reset()
