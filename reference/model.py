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

"""The compute data model: compute nodes, instances, and where each
instance runs.

Like upstream Watcher 17's ``ModelRoot``, every public method holds a
per-model re-entrant lock, so a model shared between threads is never seen
half-changed; :meth:`ModelRoot.copy` gives a reader its own model with its
own lock.
"""

import functools
import threading

NODE_FIELDS = ('uuid', 'hostname', 'state', 'status', 'disabled_reason',
               'vcpus', 'vcpu_reserved', 'vcpu_ratio', 'memory',
               'memory_mb_reserved', 'memory_ratio', 'disk',
               'disk_gb_reserved', 'disk_ratio')
INSTANCE_FIELDS = ('uuid', 'name', 'state', 'memory', 'vcpus', 'disk',
                   'project_id', 'locked', 'host', 'hypervisor_hostname',
                   'metadata')


class NotFound(KeyError):
    """No such node or instance in the model."""

    def __str__(self):
        return self.args[0]


class _Element:
    __slots__ = ()
    FIELDS = ()

    def __init__(self, *values):
        for name, value in zip(self.FIELDS, values, strict=True):
            setattr(self, name, value)

    def as_dict(self):
        return {name: getattr(self, name) for name in self.FIELDS}

    def copy(self):
        return type(self)(*(getattr(self, n) for n in self.FIELDS))

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__, self.uuid)


class ComputeNode(_Element):
    __slots__ = FIELDS = NODE_FIELDS

    @property
    def vcpu_capacity(self):
        return (self.vcpus - self.vcpu_reserved) * self.vcpu_ratio

    @property
    def memory_mb_capacity(self):
        return (self.memory - self.memory_mb_reserved) * self.memory_ratio

    @property
    def disk_gb_capacity(self):
        return (self.disk - self.disk_gb_reserved) * self.disk_ratio


class Instance(_Element):
    __slots__ = FIELDS = INSTANCE_FIELDS

    def __init__(self, uuid, name, state, memory, vcpus, disk, project_id,
                 locked, host, hypervisor_hostname, metadata):
        # Spelled out: a cloud has hundreds of thousands of instances.
        self.uuid, self.name, self.state = uuid, name, state
        self.memory, self.vcpus, self.disk = memory, vcpus, disk
        self.project_id, self.locked, self.host = project_id, locked, host
        self.hypervisor_hostname = hypervisor_hostname
        self.metadata = metadata


def _locked(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)
    return wrapper


class ModelRoot:
    """Compute nodes and instances by uuid, and the instance-to-node
    mapping.

    :ivar complete: False when the builder knows part of the cloud is
        missing; ``problems`` then says why.
    """

    def __init__(self):
        self._lock = threading.RLock()
        self._nodes = {}
        self._instances = {}
        self._node_of = {}      # instance uuid -> node uuid
        self._on_node = {}      # node uuid -> {instance uuid}
        self.complete = True
        self.problems = []

    @_locked
    def mark_incomplete(self, problem):
        self.complete = False
        self.problems.append(problem)

    @_locked
    def add_node(self, node):
        self._nodes[node.uuid] = node
        self._on_node.setdefault(node.uuid, set())

    @_locked
    def add_instance(self, instance):
        self._instances[instance.uuid] = instance

    @_locked
    def map_instance(self, instance, node):
        """Record that *instance* runs on *node* (elements or uuids)."""
        instance_uuid = getattr(instance, 'uuid', instance)
        node_uuid = getattr(node, 'uuid', node)
        if node_uuid not in self._nodes:
            raise NotFound('no compute node %s' % node_uuid)
        if instance_uuid not in self._instances:
            raise NotFound('no instance %s' % instance_uuid)
        self._unmap(instance_uuid)
        self._node_of[instance_uuid] = node_uuid
        self._on_node[node_uuid].add(instance_uuid)

    @_locked
    def add_instances(self, node, instances):
        """Add *instances* and map them to *node*, under one lock."""
        on_node = self._on_node[node.uuid]
        for instance in instances:
            self._instances[instance.uuid] = instance
            self._unmap(instance.uuid)
            self._node_of[instance.uuid] = node.uuid
            on_node.add(instance.uuid)

    def _unmap(self, instance_uuid):
        old = self._node_of.pop(instance_uuid, None)
        if old is not None:
            self._on_node[old].discard(instance_uuid)

    @_locked
    def unmap_instance(self, instance):
        self._unmap(getattr(instance, 'uuid', instance))

    @_locked
    def remove_instance(self, instance):
        instance_uuid = getattr(instance, 'uuid', instance)
        self._unmap(instance_uuid)
        if self._instances.pop(instance_uuid, None) is None:
            raise NotFound('no instance %s' % instance_uuid)

    @_locked
    def remove_node(self, node):
        node_uuid = getattr(node, 'uuid', node)
        if self._nodes.pop(node_uuid, None) is None:
            raise NotFound('no compute node %s' % node_uuid)
        for instance_uuid in self._on_node.pop(node_uuid):
            del self._node_of[instance_uuid]

    @_locked
    def set_instance_state(self, instance, state):
        """Apply a state change Nova notified (the instance's element is
        replaced, so that copies sharing it are not changed)."""
        instance_uuid = getattr(instance, 'uuid', instance)
        try:
            element = self._instances[instance_uuid].copy()
        except KeyError:
            raise NotFound('no instance %s' % instance_uuid) from None
        element.state = state
        self._instances[instance_uuid] = element

    @_locked
    def get_all_compute_nodes(self):
        return dict(self._nodes)

    @_locked
    def get_all_instances(self):
        return dict(self._instances)

    @_locked
    def get_node_by_uuid(self, uuid):
        try:
            return self._nodes[uuid]
        except KeyError:
            raise NotFound('no compute node %s' % uuid) from None

    @_locked
    def get_node_by_name(self, hostname):
        for node in self._nodes.values():
            if node.hostname == hostname:
                return node
        raise NotFound('no compute node named %s' % hostname)

    @_locked
    def get_instance_by_uuid(self, uuid):
        try:
            return self._instances[uuid]
        except KeyError:
            raise NotFound('no instance %s' % uuid) from None

    @_locked
    def get_node_by_instance_uuid(self, uuid):
        try:
            return self._nodes[self._node_of[uuid]]
        except KeyError:
            raise NotFound('instance %s is not mapped' % uuid) from None

    @_locked
    def get_node_instances(self, node):
        node_uuid = getattr(node, 'uuid', node)
        if node_uuid not in self._on_node:
            raise NotFound('no compute node %s' % node_uuid)
        return [self._instances[u] for u in self._on_node[node_uuid]]

    @_locked
    def mapping(self):
        """``(instance uuid, node uuid)`` pairs."""
        return list(self._node_of.items())

    @_locked
    def copy(self):
        """A model of its own (elements copied too), with its own lock."""
        other = ModelRoot()
        other._nodes = {u: n.copy() for u, n in self._nodes.items()}
        other._instances = {u: i.copy() for u, i in self._instances.items()}
        other._node_of = dict(self._node_of)
        other._on_node = {u: set(s) for u, s in self._on_node.items()}
        other.complete, other.problems = self.complete, list(self.problems)
        return other

    def __len__(self):
        return len(self._nodes) + len(self._instances)
