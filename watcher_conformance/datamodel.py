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

"""The model builder's contract: what it is asked, and how its model is read.

A ``model_builder`` piece has two methods:

``build(nova, placement, scope, timeout=None)``
    Build the compute data model of the cloud behind *nova* and *placement*
    (the simulated services of :mod:`watcher_conformance.nova`, whose call
    surface is upstream Watcher's ``NovaHelper`` and ``PlacementHelper``)
    for *scope* (a :class:`Scope`), giving up on Nova after *timeout*
    seconds without an answer. Returns the implementation's own model.

``view(model)``
    A :class:`ModelView` of such a model: the suite reads models only
    through it, so an implementation keeps its own model class.

An ``audit_executor`` piece runs audits against one shared model:

``shared_model(nova, placement, scope, timeout)``
    An object with ``get_latest_cluster_data_model()`` (built on first
    access, once however many callers arrive at once), ``synchronize()``
    (rebuild from Nova and replace the shared model) and ``notify(change)``
    (apply an :class:`InstanceStateChange`; never to a model being
    replaced: a change arriving during a rebuild lands on the new model).
``submit_audit(shared, fn)``
    Run ``fn(model)`` in the audit pool (``max_workers`` audits at once) and
    return its future. The model an audit gets stays complete and consistent
    for as long as the audit runs, whatever changes and rebuilds happen
    meanwhile (by copy or by lock: the implementation's choice).
``view(model)``
    As the builder's.

What a correct model holds, for the hosts *scope* selects:

* one node per compute node whose service host is selected, except ironic
  nodes (``hypervisor_type == 'ironic'``) and nodes Nova no longer knows
  when asked for them (they vanished: Nova says
  :class:`~watcher_conformance.nova.NotFound`);
* one instance per server of those nodes, except deleted ones
  (``vm_state == 'deleted'``), mapped to its node;
* the attributes :data:`NODE_ATTRIBUTES` and :data:`INSTANCE_ATTRIBUTES`,
  derived as upstream Watcher derives them.

When Nova or Placement fails the builder (an error, a timeout, a call that
never answers within *timeout*, a malformed record), the implementation's
``model_builder.fault_policy`` says what happens: ``raise`` (``build``
raises an exception) or ``mark_incomplete`` (``build`` returns a model whose
view has ``complete=False``). Either way the builder never returns a model
that claims to be complete and is not, and never widens or narrows the
scope to work around a failure.
"""

import dataclasses

#: A compute node's attributes and where they come from. For VCPU,
#: MEMORY_MB and DISK_GB, the node's Placement inventory of that class when
#: it has one (total, reserved, allocation_ratio), else the hypervisor's
#: vcpus / memory_mb / local_gb with reserved 0 and ratio 1.0.
NODE_ATTRIBUTES = {
    'uuid': 'hypervisor uuid',
    'hostname': 'hypervisor service_host',
    'state': 'hypervisor state',
    'status': 'hypervisor status',
    'disabled_reason': 'hypervisor service_disabled_reason',
    'vcpus': 'VCPU total',
    'vcpu_reserved': 'VCPU reserved',
    'vcpu_ratio': 'VCPU allocation_ratio',
    'memory': 'MEMORY_MB total',
    'memory_mb_reserved': 'MEMORY_MB reserved',
    'memory_ratio': 'MEMORY_MB allocation_ratio',
    'disk': 'DISK_GB total',
    'disk_gb_reserved': 'DISK_GB reserved',
    'disk_ratio': 'DISK_GB allocation_ratio',
}

#: An instance's attributes and where they come from.
INSTANCE_ATTRIBUTES = {
    'uuid': 'server uuid',
    'name': 'server name',
    'state': 'server vm_state',
    'memory': "flavor['ram']",
    'vcpus': "flavor['vcpus']",
    'disk': "root + flavor['ephemeral'] + ceil(flavor['swap'] / 1024), "
            "root being 0 for a volume-backed server (image is None), "
            "else flavor['disk']",
    'project_id': 'server tenant_id',
    'locked': 'server locked',
    'host': 'server host',
    'hypervisor_hostname': 'server hypervisor_hostname',
    'metadata': 'server metadata',
}

ALL = '*'


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which part of the cloud to model.

    :param aggregates: host aggregates, each an id (int) or a name (str);
        ``'*'`` selects every aggregate.
    :param zones: availability zone names; ``'*'`` selects every zone.

    The selected hosts are the hosts of the selected aggregates plus the
    hosts of the ``nova-compute`` services in the selected zones. A scope
    with neither is the whole cloud. A scope that selects no host models
    nothing: it is never widened to the whole cloud.
    """

    aggregates: tuple = ()
    zones: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, 'aggregates', tuple(self.aggregates))
        object.__setattr__(self, 'zones', tuple(self.zones))
        for agg in self.aggregates:
            if isinstance(agg, bool) or not isinstance(agg, (int, str)):
                raise TypeError('an aggregate is an id or a name, not %r'
                                % (agg,))
        for zone in self.zones:
            if not isinstance(zone, str):
                raise TypeError('a zone is a name, not %r' % (zone,))

    @property
    def whole_cloud(self):
        return not self.aggregates and not self.zones

    def audit_scope(self):
        """The scope in upstream Watcher's audit-scope form, for adapters:
        ``[{'compute': [{'host_aggregates': [...]},
        {'availability_zones': [...]}]}]``, or ``[]`` for the whole
        cloud."""
        if self.whole_cloud:
            return []
        compute = []
        if self.aggregates:
            compute.append({'host_aggregates': [
                {'id': ALL} if a == ALL else
                {'id': a} if isinstance(a, int) else {'name': a}
                for a in self.aggregates]})
        if self.zones:
            compute.append({'availability_zones': [
                {'name': z} for z in self.zones]})
        return [{'compute': compute}]

    def __str__(self):
        if self.whole_cloud:
            return 'the whole cloud'
        parts = []
        if self.aggregates:
            parts.append('aggregates %s' % ', '.join(map(str,
                                                         self.aggregates)))
        if self.zones:
            parts.append('zones %s' % ', '.join(self.zones))
        return ' and '.join(parts)


@dataclasses.dataclass(frozen=True)
class ModelView:
    """A model as the suite reads it.

    :param nodes: one mapping per node the model holds (a node held twice
        appears twice), with at least the keys of :data:`NODE_ATTRIBUTES`.
    :param instances: one mapping per instance, with at least the keys of
        :data:`INSTANCE_ATTRIBUTES`.
    :param mapping: ``(instance uuid, node uuid)`` pairs, one per mapping
        the model holds.
    :param complete: False when the builder knows the model lacks part of
        the cloud (``mark_incomplete`` policy).
    :param problems: why it is incomplete, one line each.
    """

    nodes: tuple
    instances: tuple
    mapping: tuple
    complete: bool = True
    problems: tuple = ()


@dataclasses.dataclass(frozen=True)
class InstanceStateChange:
    """A Nova notification an audit executor's shared model applies: the
    instance *instance_uuid* is now in *state*."""

    instance_uuid: str
    state: str
