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

"""An independent conductor: operations as claimed database rows.

See :mod:`.service` for the design. Importing this package starts
nothing: threads, connections and the tooz coordinator start in
``serve()``.
"""

from tests.independent.conductor import provider
from watcher_conformance import contract

IMPLEMENTATION = contract.Implementation(
    name='independent-conductor',
    version='0.1',
    modes={'threading', 'eventlet'},
    pieces={'conductor': provider.ConductorProvider},
    description='conductor whose queue is its database table, claimed by '
                'workers, with a tooz lock per resource',
)
