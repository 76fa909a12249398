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

"""The compute model as plain read-only mappings; no class hierarchy.

A model is a ``MappingProxyType`` with the keys:

``nodes``
    node uuid -> the node's attributes (a read-only mapping);
``instances``
    instance uuid -> the instance's attributes (a read-only mapping);
``placed``
    instance uuid -> the uuid of the node it runs on;
``complete`` and ``problems``
    whether the builder got every part of the scope, and why not.

Once frozen, a model never changes. A change makes a new model that shares
every untouched node and instance with the old one (copy on write), so a
reader holding a model sees the same model for as long as it holds it.

The records come from Nova and Placement unchecked; the functions here
refuse malformed ones with :class:`Malformed` instead of modelling them.
"""

import collections.abc
import math
import types
import uuid

from watcher_conformance import datamodel

_FROZEN = types.MappingProxyType

#: Placement class, hypervisor field, then the node's total, reserved
#: and ratio attributes.
CAPACITIES = (
    ('VCPU', 'vcpus', 'vcpus', 'vcpu_reserved', 'vcpu_ratio'),
    ('MEMORY_MB', 'memory_mb', 'memory', 'memory_mb_reserved',
     'memory_ratio'),
    ('DISK_GB', 'local_gb', 'disk', 'disk_gb_reserved', 'disk_ratio'),
)


class Malformed(ValueError):
    """A record Nova or Placement returned cannot be modelled."""


def _count(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Malformed('%s is %r, not a count' % (what, value))
    return value


def _ratio(value, what):
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not value > 0):
        raise Malformed('%s is %r, not a ratio' % (what, value))
    return float(value)


def _uuid(value, what):
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise Malformed('%s is %r, not a uuid' % (what, value))
    return value


def _capacity(hypervisor, inventories, klass, field):
    inventory = inventories.get(klass)
    own = _count(getattr(hypervisor, field),
                 'hypervisor %s of %s' % (field, hypervisor.service_host))
    if inventory is None:
        return own, 0, 1.0
    what = '%s inventory of %s' % (klass, hypervisor.service_host)
    return (_count(inventory.total, what + ' total'),
            _count(inventory.reserved, what + ' reserved'),
            _ratio(inventory.allocation_ratio, what + ' allocation_ratio'))


def node_of(hypervisor, inventories):
    """A node's attributes from its hypervisor and its Placement
    inventories (``{resource class: Inventory}``)."""
    if not isinstance(inventories, collections.abc.Mapping):
        raise Malformed('inventories of %s are %r'
                        % (hypervisor.service_host, inventories))
    node = {
        'uuid': _uuid(hypervisor.uuid,
                      'uuid of node %s' % hypervisor.service_host),
        'hostname': hypervisor.service_host,
        'hypervisor_hostname': hypervisor.hypervisor_hostname,
        'state': hypervisor.state,
        'status': hypervisor.status,
        'disabled_reason': hypervisor.service_disabled_reason,
    }
    for klass, field, total, reserved, ratio in CAPACITIES:
        node[total], node[reserved], node[ratio] = _capacity(
            hypervisor, inventories, klass, field)
    return _FROZEN(node)


def is_live(server):
    return server.vm_state != 'deleted'


def instance_of(server):
    """A live server's attributes, its disk counted as upstream does."""
    what = 'server %s' % (server.uuid,)
    flavor = server.flavor
    if not isinstance(flavor, collections.abc.Mapping):
        raise Malformed('flavor of %s is %r' % (what, flavor))
    try:
        ram, vcpus, ephemeral, swap = (
            _count(flavor[key], '%s of %s' % (key, what))
            for key in ('ram', 'vcpus', 'ephemeral', 'swap'))
        root = (0 if server.image is None
                else _count(flavor['disk'], 'disk of ' + what))
    except KeyError as exc:
        raise Malformed('flavor of %s has no %s' % (what, exc))
    metadata = server.metadata
    if metadata is not None and not isinstance(
            metadata, collections.abc.Mapping):
        raise Malformed('metadata of %s is %r' % (what, metadata))
    return _FROZEN({
        'uuid': _uuid(server.uuid, 'uuid of ' + what),
        'name': server.name,
        'state': server.vm_state,
        'memory': ram,
        'vcpus': vcpus,
        'disk': root + ephemeral + math.ceil(swap / 1024),
        'project_id': server.tenant_id,
        'locked': server.locked,
        'host': server.host,
        'hypervisor_hostname': server.hypervisor_hostname,
        'metadata': dict(metadata or {}),
    })


def freeze(nodes, instances, placed, problems=()):
    """The read-only model of these dicts (taken over, not copied)."""
    return _FROZEN({
        'nodes': _FROZEN(nodes),
        'instances': _FROZEN(instances),
        'placed': _FROZEN(placed),
        'complete': not problems,
        'problems': tuple(problems),
    })


def with_change(model, change):
    """A new model with *change* (an InstanceStateChange) applied; the
    model itself is unchanged. An instance it does not hold is ignored."""
    old = model['instances'].get(change.instance_uuid)
    if old is None or old['state'] == change.state:
        return model
    instances = dict(model['instances'])
    instances[change.instance_uuid] = _FROZEN(dict(old, state=change.state))
    return _FROZEN(dict(model, instances=_FROZEN(instances)))


def view(model):
    """The suite's :class:`~watcher_conformance.datamodel.ModelView`."""
    return datamodel.ModelView(
        nodes=tuple(dict(n) for n in model['nodes'].values()),
        instances=tuple(dict(i) for i in model['instances'].values()),
        mapping=tuple(model['placed'].items()),
        complete=model['complete'],
        problems=model['problems'])
