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

"""A simulated Nova and Placement, for checking model builders offline.

* :mod:`.cloud` generates seeded clouds of many shapes;
* :mod:`.api` serves one through the call surface upstream Watcher's
  ``NovaHelper`` and ``PlacementHelper`` offer, with latency, faults and
  instruments;
* :mod:`.oracle` says what a correct model of it holds.

The records it returns are the frozen dataclasses of :mod:`.records`, with
the fields of upstream's helper dataclasses.
"""


class NovaError(Exception):
    """Nova or Placement failed a call (upstream: ``NovaClientError``)."""


class NotFound(NovaError):
    """Nova does not know the thing asked for (upstream:
    ``ComputeResourceNotFound``)."""


class Timeout(NovaError):
    """The call got no answer in time (the HTTP client gave up)."""
