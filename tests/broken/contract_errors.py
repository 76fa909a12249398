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

"""Implementations that do not keep the contract's form."""

from reference import implementation as reference
from watcher_conformance import contract


class NoModifyPool:
    def submit(self, fn, *args, **kwargs):
        raise NotImplementedError

    def do_while_futures(self, futures, fn, *args, **kwargs):
        raise NotImplementedError


class NoShutdownPool(NoModifyPool):
    def do_while_futures_modify(self, futures, fn, *args, **kwargs):
        raise NotImplementedError


class _Provider(contract.Provider):
    def __init__(self, cls):
        self.cls = cls

    def get(self):
        return self.cls()

    def reset(self):
        pass


def _implementation(name, cls, features=()):
    return contract.Implementation(
        name='broken-' + name, version='0',
        modes=reference.IMPLEMENTATION.modes,
        pieces={'threadpool': lambda settings: _Provider(cls)},
        features=features)


MISSING_METHOD = _implementation('missing-method', NoModifyPool)
FEATURE_WITHOUT_METHOD = _implementation(
    'feature-without-method', NoShutdownPool, {'threadpool.shutdown'})
