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

"""Nova and Placement records, as upstream Watcher's helpers return them.

The fields are those of the frozen dataclasses in upstream's
``nova_helper.py`` and ``placement_helper.py``. These do not validate: a
malformed record (a fault the simulator injects) is representable.
"""

import dataclasses

_RECORD = dict(frozen=True, slots=True)


@dataclasses.dataclass(**_RECORD)
class Hypervisor:
    uuid: str
    hypervisor_hostname: str
    hypervisor_type: str
    state: str
    status: str
    vcpus: int
    vcpus_used: int
    memory_mb: int
    memory_mb_used: int
    local_gb: int
    local_gb_used: int
    service_host: str
    service_id: str
    service_disabled_reason: str
    #: ``{'uuid': .., 'name': ..}`` per server on the node.
    servers: tuple


@dataclasses.dataclass(**_RECORD)
class Server:
    uuid: str
    name: str
    created: str
    host: str
    vm_state: str
    task_state: str
    power_state: int
    status: str
    #: ``ram``, ``disk``, ``vcpus``, ``ephemeral``, ``swap``,
    #: ``extra_specs``.
    flavor: object
    tenant_id: str
    locked: bool
    metadata: object
    availability_zone: str
    pinned_availability_zone: str
    #: None for a volume-backed server.
    image: object
    hypervisor_hostname: str

    @property
    def is_boot_from_volume(self):
        return self.image is None


@dataclasses.dataclass(**_RECORD)
class Aggregate:
    id: int
    name: str
    availability_zone: str
    hosts: tuple
    metadata: object


@dataclasses.dataclass(**_RECORD)
class Service:
    uuid: str
    binary: str
    host: str
    zone: str
    status: str
    state: str
    updated_at: str
    disabled_reason: str


@dataclasses.dataclass(**_RECORD)
class Inventory:
    total: int
    reserved: int
    min_unit: int
    max_unit: int
    step_size: int
    allocation_ratio: float
